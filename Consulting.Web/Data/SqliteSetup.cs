using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Consulting.Web.Data;

public static class SqliteSetup
{
    /// <summary>
    /// Makes a relative "Data Source" absolute under the content root and creates its folder, so the
    /// default "Data Source=data/consulting.db" works wherever the app is started from.
    /// </summary>
    public static string ResolveConnectionString(string connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource is { Length: > 0 } source && source != ":memory:" && csb.Mode != SqliteOpenMode.Memory)
        {
            var path = Path.GetFullPath(Path.IsPathRooted(source) ? source : Path.Combine(contentRoot, source));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            csb.DataSource = path;
        }
        csb.Pooling = true;
        return csb.ToString();
    }

    /// <summary>WAL lets readers run beside the one writer; it persists in the file once set.</summary>
    public static void EnableWriteAheadLog(DbContext db) =>
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
}

/// <summary>
/// Per-connection settings: wait for a busy writer instead of failing at once; in WAL mode,
/// synchronous=NORMAL is durable across crashes and much cheaper per commit. The pragmas belong to
/// the native SQLite handle, which Microsoft.Data.Sqlite pools, so they are set once per handle.
/// lower() and upper() for every letter, not only ASCII's (so a case-insensitive search finds
/// "Émile" as it does on PostgreSQL), are registered at every open: a connection that closes takes
/// the functions it registered with it, also from a pooled handle.
/// </summary>
public sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    internal const string Pragmas = "PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        AddFunctions(connection);
        if (!NeedsPragmas(connection)) return;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        AddFunctions(connection);
        if (!NeedsPragmas(connection)) return;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddFunctions(DbConnection connection)
    {
        if (connection is not SqliteConnection sqlite) return;
        sqlite.CreateFunction("lower", (string? text) => text?.ToLowerInvariant(), isDeterministic: true);
        sqlite.CreateFunction("upper", (string? text) => text?.ToUpperInvariant(), isDeterministic: true);
    }

    private static bool NeedsPragmas(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle }) return true;
        var fresh = false;
        Configured.GetValue(handle, _ => { fresh = true; return new object(); });
        return fresh;
    }
}

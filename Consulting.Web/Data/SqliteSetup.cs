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

/// <summary>Per-connection settings: wait for a busy writer instead of failing at once.</summary>
public sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}

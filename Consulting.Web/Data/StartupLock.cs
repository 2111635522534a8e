using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Consulting.Web.Data;

/// <summary>
/// One instance at a time through start-up's database work (migrations, key import, demo data):
/// instances started together would otherwise both find an empty database and both fill it.
/// </summary>
public static class StartupLock
{
    /// <summary>Any fixed number, the same for every instance: PostgreSQL advisory locks are named by integers.</summary>
    private const long PostgresLockKey = 0x436F6E73756C74; // "Consult"

    public static async Task<IAsyncDisposable> AcquireAsync(AppDbContext db, CancellationToken ct)
    {
        var connectionString = db.Database.GetConnectionString()!;
        return db.Database.IsNpgsql()
            ? await PostgresAsync(db, connectionString, ct)
            : await SqliteAsync(connectionString, ct);
    }

    /// <summary>
    /// A session-level advisory lock on a connection of its own: released when it is closed, also
    /// when the instance holding it dies.
    /// </summary>
    private static async Task<IAsyncDisposable> PostgresAsync(AppDbContext db, string connectionString, CancellationToken ct)
    {
        // The lock needs the database to exist; whoever creates it first wins, the other finds it there.
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(ct))
        {
            try { await creator.CreateAsync(ct); }
            // At the very same moment, the catalog's unique index is what says so.
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation) { }
        }
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", PostgresLockKey);
            await command.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// An exclusive lock on a file beside the database (instances sharing a SQLite file share a
    /// machine). The file stays: deleting it would let a waiting instance lock a file nobody else sees.
    /// </summary>
    private static async Task<IAsyncDisposable> SqliteAsync(string connectionString, CancellationToken ct)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource is not { Length: > 0 } source || source == ":memory:" || csb.Mode == SqliteOpenMode.Memory) return NoLock.Instance;
        var path = source + ".startup-lock";
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another instance holds it (FileShare.None is an exclusive flock on Unix).
                await Task.Delay(100, ct);
            }
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

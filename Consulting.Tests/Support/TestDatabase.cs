using Consulting.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consulting.Tests.Support;

/// <summary>
/// The database the tests' apps run on. SQLite (a file per app) unless the environment names a
/// PostgreSQL server, as .ci/test.sh's second pass does:
/// <c>CONSULTING_TEST_DATABASE=Postgres</c> and <c>CONSULTING_TEST_POSTGRES=Host=127.0.0.1;Port=…;Username=postgres</c>.
/// On PostgreSQL each app gets a database of its own, copied from one migrated template.
/// </summary>
public static class TestDatabase
{
    public const string ProviderVariable = "CONSULTING_TEST_DATABASE";
    public const string ServerVariable = "CONSULTING_TEST_POSTGRES";

    public static bool IsPostgres { get; } = Environment.GetEnvironmentVariable(ProviderVariable) is { } provider
        && provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>"Sqlite" or "Postgres", as Database:Provider spells it.</summary>
    public static string Provider => IsPostgres ? "Postgres" : "Sqlite";

    private static string Server => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server ? server
        : throw new InvalidOperationException($"{ProviderVariable}=Postgres needs {ServerVariable} (a server connection string); .ci/test.sh sets both.");

    /// <summary>Made once per test run: a database per app is then a quick copy of it.</summary>
    private static string? _template;
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);

    public static string ConnectionString(string database) => new NpgsqlConnectionStringBuilder(Server)
    {
        Database = database,
        // Hundreds of apps come and go; each one's idle connections are closed when it is disposed.
        MaxPoolSize = 60,
        // A machine busy with other builds can take a while to fork a server process.
        Timeout = 60,
        CommandTimeout = 120,
    }.ConnectionString;

    /// <summary>A database name for the app whose files live in <paramref name="dataDirectory"/>.</summary>
    public static string NameFor(string dataDirectory) =>
        "consulting_test_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..20];

    /// <summary>
    /// Creates <paramref name="database"/> unless it exists: migrated (a copy of the template), or
    /// <paramref name="empty"/> for start-up to migrate.
    /// </summary>
    public static async Task EnsureCreatedAsync(string database, bool empty)
    {
        var template = empty ? "template0" : await TemplateAsync();
        await using var connection = await OpenServerAsync();
        if (await ExistsAsync(connection, database)) return;
        try
        {
            await ExecuteAsync(connection, $"""CREATE DATABASE "{database}" TEMPLATE "{template}" """);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // A second app on the same database made it a moment earlier (at the same moment, the
            // catalog's unique index says so).
        }
    }

    public static async Task DropAsync(string database)
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString(database)));
        await using var connection = await OpenServerAsync();
        await ExecuteAsync(connection, $"""DROP DATABASE IF EXISTS "{database}" WITH (FORCE)""");
    }

    /// <summary>The template, made by the first app that needs it (and tried again by the next should that fail).</summary>
    private static async Task<string> TemplateAsync()
    {
        if (_template is { } made) return made;
        await TemplateLock.WaitAsync();
        try
        {
            return _template ??= await CreateTemplateAsync();
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var name = $"consulting_template_{Environment.ProcessId}_{Guid.NewGuid():N}"[..50];
        await using (var connection = await OpenServerAsync())
            await ExecuteAsync(connection, $"""CREATE DATABASE "{name}" TEMPLATE template0""");
        var options = new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(ConnectionString(name)).Options;
        await using (var db = new PostgresAppDbContext(options))
            await db.Database.MigrateAsync();
        // A template can't be copied while anyone is connected to it.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString(name)));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { DropAsync(name).GetAwaiter().GetResult(); }
            catch (NpgsqlException) { /* the server went first; the cluster is thrown away anyway */ }
        };
        return name;
    }

    private static async Task<NpgsqlConnection> OpenServerAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string database)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        cmd.Parameters.AddWithValue("name", database);
        return await cmd.ExecuteScalarAsync() is not null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}

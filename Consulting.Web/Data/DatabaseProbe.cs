using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Consulting.Web.Data;

/// <summary>
/// Questions about the database that must not wait for EF Core's model, the largest single cost of
/// start-up (bench/startup.sh): is it reachable, and which migrations has it not had yet. Plain
/// ADO.NET on the provider's own connection.
/// </summary>
public sealed class DatabaseProbe(Func<DbConnection> connect, Type contextType)
{
    /// <summary>The migrations compiled into the app for the provider's context type, oldest first (EF orders them by id too).</summary>
    public IReadOnlyList<string> KnownMigrations { get; } = contextType.Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<DbContextAttribute>()?.ContextType == contextType)
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
        .OfType<string>()
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>Known migrations the database's history table lacks; all of them when it has no history table yet.</summary>
    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken ct)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var connection = connect();
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = """SELECT "MigrationId" FROM "__EFMigrationsHistory" """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetString(0));
        }
        catch (DbException)
        {
            // No history table: a new database. Anything else (unreachable, bad credentials) shows
            // again, with EF's own message, when the migrations are applied.
            return KnownMigrations;
        }
        return KnownMigrations.Where(id => !applied.Contains(id)).ToList();
    }

    /// <summary>One round trip; throws what the provider throws when the database can't be reached.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await using var connection = connect();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(ct);
    }
}

using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Tests.Data;

public sealed class DatabaseTests
{
    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        using var app = new AppFactory();
        await app.WithDbAsync(db =>
        {
            Assert.False(db.Database.HasPendingModelChanges(),
                "The model differs from migrations/: add a migration (see README).");
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Start_up_applies_every_migration_to_a_new_file_in_wal_mode()
    {
        using var app = new AppFactory();
        var pending = await app.WithDbAsync(db => db.Database.GetPendingMigrationsAsync());
        Assert.Empty(pending);

        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Demo_data_is_not_seeded_outside_development_unless_asked()
    {
        using var app = new AppFactory();
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync()));
        Assert.Equal(3, await app.WithDbAsync(db => db.Roles.CountAsync()));
    }

    [Fact]
    public async Task The_hold_writer_names_every_column_of_the_tables_it_inserts_into()
    {
        using var app = new AppFactory();
        await app.WithDbAsync(_ => Task.CompletedTask);

        // Its INSERTs are raw SQL: a column added to the model must be added to them too.
        Assert.Equal((await ColumnsAsync(app, "Bookings")).Order(), HoldWriter.BookingColumns.Order());
        Assert.Equal((await ColumnsAsync(app, "BookingStatusHistory")).Where(c => c != "Id").Order(),
            HoldWriter.StatusHistoryColumns.Order());
    }

    private static async Task<List<string>> ColumnsAsync(AppFactory app, string table)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        var columns = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        return columns;
    }
}

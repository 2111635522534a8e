using Consulting.Tests.Support;
using Consulting.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Consulting.Tests.Data;

public sealed class DatabaseTests
{
    [Fact]
    public async Task Start_up_applies_every_migration_of_its_provider()
    {
        using var app = new AppFactory { EmptyDatabase = true };
        var (applied, pending, all) = await app.WithDbAsync(async db => (
            (await db.Database.GetAppliedMigrationsAsync()).ToList(),
            (await db.Database.GetPendingMigrationsAsync()).ToList(),
            db.Database.GetMigrations().ToList()));

        Assert.Empty(pending);
        Assert.Equal(all, applied);
        Assert.Equal(TestDatabase.IsPostgres, app.GetService<AppDbContext>() is PostgresAppDbContext);
    }

    [SqliteFact]
    public async Task A_new_sqlite_file_is_in_wal_mode()
    {
        using var app = new AppFactory();
        await app.WithDbAsync(_ => Task.CompletedTask);

        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync());
    }

    [SqliteFact]
    public async Task A_sqlite_database_of_the_first_release_is_brought_up_to_date_with_its_data_kept()
    {
        // What an existing deployment has: the database as the first migration left it, with people in it.
        var folder = Path.Combine(Path.GetTempPath(), "consulting-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "app.db")}").Options;
        await using (var db = new AppDbContext(options))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261124083021_Initial");
            db.Users.Add(new AppUser { UserName = "old@example.com", NormalizedUserName = "OLD@EXAMPLE.COM", Email = "old@example.com", DisplayName = "Old Timer" });
            await db.SaveChangesAsync();
        }
        SqliteConnection.ClearAllPools();

        using var app = new AppFactory(folder) { KeepData = false };
        var (applied, all, user) = await app.WithDbAsync(async db => (
            (await db.Database.GetAppliedMigrationsAsync()).ToList(),
            db.Database.GetMigrations().ToList(),
            await db.Users.SingleAsync()));

        Assert.Equal("20261124083021_Initial", all[0]);
        Assert.Equal(all, applied);
        Assert.Equal("Old Timer", user.DisplayName);
    }

    [SqliteFact]
    public async Task A_database_migrated_without_the_app_has_the_roles_and_keeps_a_role_start_up_made_before()
    {
        var folder = Path.Combine(Path.GetTempPath(), "consulting-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "app.db")}").Options;
        await using var db = new AppDbContext(options);
        var migrations = db.Database.GetMigrations().ToList();
        // What an older start-up left: the schema before the roles' migration and one role it made.
        await db.GetService<IMigrator>().MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_SeedRoles", StringComparison.Ordinal)) - 1]);
        db.Roles.Add(new Microsoft.AspNetCore.Identity.IdentityRole(Roles.Customer) { Id = "made-by-start-up", NormalizedName = "CUSTOMER" });
        await db.SaveChangesAsync();

        await db.Database.MigrateAsync();

        var roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).Select(r => new { r.Id, r.Name, r.NormalizedName }).ToListAsync();
        Assert.Equal([Roles.Admin, Roles.Customer, Roles.Specialist], roles.Select(r => r.Name));
        Assert.Equal(["ADMIN", "CUSTOMER", "SPECIALIST"], roles.Select(r => r.NormalizedName));
        Assert.Equal("made-by-start-up", roles.Single(r => r.Name == Roles.Customer).Id);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Demo_data_is_not_seeded_outside_development_unless_asked()
    {
        using var app = new AppFactory();
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync()));
        Assert.Equal(3, await app.WithDbAsync(db => db.Roles.CountAsync()));
    }

    [Fact]
    public async Task A_model_insert_writes_every_column_of_the_bookings_tables_but_those_the_database_makes()
    {
        using var app = new AppFactory();
        var (bookings, history) = await app.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            var type = db.Model.FindEntityType(typeof(Web.Domain.Booking))!;
            using var booking = ModelInsert.Prepare(connection, type);
            using var statusHistory = ModelInsert.Prepare(connection, type.FindNavigation(nameof(Web.Domain.Booking.StatusHistory))!.TargetEntityType);
            return (booking.ColumnNames, statusHistory.ColumnNames);
        });

        // The raw hold writer's INSERTs come from the model: a column added to the model is written too.
        Assert.Equal((await ColumnsAsync(app, "Bookings")).Order(), bookings.Order());
        Assert.Equal((await ColumnsAsync(app, "BookingStatusHistory")).Where(c => c != "Id").Order(), history.Order());
    }

    private static Task<List<string>> ColumnsAsync(AppFactory app, string table) => app.WithDbAsync(db =>
        (TestDatabase.IsPostgres
            ? db.Database.SqlQuery<string>($"SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_name = {table}")
            : db.Database.SqlQuery<string>($"SELECT name AS \"Value\" FROM pragma_table_info({table})"))
        .ToListAsync());
}

/// <summary>Each provider's migrations against the model; no database needed.</summary>
[NoDatabase]
public sealed class MigrationTests
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public void The_model_has_no_changes_missing_from_the_migrations_of(string provider)
    {
        using AppDbContext db = provider == "Sqlite"
            ? new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options)
            : new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=unused").Options);

        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model differs from migrations/{provider}: add a migration for each provider (README, Operations).");
    }

    [Fact]
    public void The_app_needs_no_design_time_assembly_which_publishing_leaves_out()
    {
        // migrations/Design holds what dotnet ef needs; a type of the app built on it would fail the
        // published app's type scans at start-up.
        Assert.DoesNotContain(typeof(AppDbContext).Assembly.GetReferencedAssemblies(), a => a.Name == "Microsoft.EntityFrameworkCore.Design");
    }

    [Fact]
    public void The_first_sqlite_migration_keeps_its_id_so_existing_databases_upgrade()
    {
        using var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options);

        Assert.Equal("20261124083021_Initial", db.Database.GetMigrations().First());
    }
}

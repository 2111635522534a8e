using Consulting.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Hosting;

public static class DatabaseSetup
{
    public const string DefaultConnectionString = "Data Source=data/consulting.db";

    public static WebApplicationBuilder AddAppDatabase(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("Default");
        var connectionString = SqliteSetup.ResolveConnectionString(
            string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured,
            builder.Environment.ContentRootPath);

        builder.Services.AddSingleton<SqlitePragmaInterceptor>();
        builder.Services.AddSingleton(_ => new Bookings.HoldWriter(connectionString));
        // Pooled contexts: a page makes several queries, and building a context each time showed up in profiles.
        builder.Services.AddDbContextPool<AppDbContext>((sp, options) => options
            .UseSqlite(connectionString, sqlite => sqlite.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .AddInterceptors(sp.GetRequiredService<SqlitePragmaInterceptor>()));
        builder.Services.AddSingleton(new DatabaseProbe(() => new SqliteConnection(connectionString)));
        builder.Services.AddSingleton<DatabaseWarmUp>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        // Keys beside the database: sign-in cookies and signed links survive a restart.
        var keysDir = Path.Combine(builder.Environment.ContentRootPath,
            builder.Configuration["App:DataDirectory"] ?? "data", "keys");
        builder.Services.AddDataProtection()
            .SetApplicationName("Consulting")
            .PersistKeysToFileSystem(new DirectoryInfo(keysDir));
        return builder;
    }

    /// <summary>
    /// Applies pending migrations, seeds roles, and on an empty database the demo data when asked.
    /// On a restart with nothing to change, nothing here waits for EF Core's model: the history is
    /// read with plain SQL, and the model is built (and the roles checked) beside the rest of start-up.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, AppStart start)
    {
        var model = Task.Run(() =>
        {
            using var warmUp = app.Services.CreateScope();
            _ = warmUp.ServiceProvider.GetRequiredService<AppDbContext>().Model;
        });
        app.Services.GetRequiredService<DatabaseWarmUp>().Track(model);
        var wantDemo = start.Seed || (app.Configuration.GetValue<bool?>("Seed:Demo") ?? app.Environment.IsDevelopment());
        var pending = await app.Services.GetRequiredService<DatabaseProbe>().PendingMigrationsAsync(CancellationToken.None);
        if (pending.Count == 0 && !wantDemo && !start.MigrateOnly)
        {
            _ = model.ContinueWith(_ => EnsureRolesAsync(app), TaskScheduler.Default).Unwrap()
                .ContinueWith(t => app.Logger.LogError(t.Exception, "Checking the roles after start-up failed"),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return;
        }
        await model;

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync();
        SqliteSetup.EnableWriteAheadLog(db);

        var seeder = scope.ServiceProvider.GetRequiredService<DemoData>();
        await seeder.EnsureRolesAsync();
        // Demo specialists get their slots from the same jobs a specialist's own request would use.
        if (wantDemo && await seeder.SeedIfEmptyAsync())
        {
            var jobs = scope.ServiceProvider.GetRequiredService<Jobs.GenerationJobs>();
            await jobs.QueueHorizonAsync("demo", CancellationToken.None);
            jobs.Wake();
        }
    }

    private static async Task EnsureRolesAsync(WebApplication app)
    {
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoData>().EnsureRolesAsync();
        }
        catch (ObjectDisposedException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopped before the check ran: the next start checks again.
        }
    }
}

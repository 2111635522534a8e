using Consulting.Web.Data;
using Microsoft.AspNetCore.DataProtection;
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
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database",
            customTestQuery: (db, ct) => db.Database.ExecuteSqlRawAsync("SELECT 1", ct).ContinueWith(t => !t.IsFaulted, ct));

        // Keys beside the database: sign-in cookies and signed links survive a restart.
        var keysDir = Path.Combine(builder.Environment.ContentRootPath,
            builder.Configuration["App:DataDirectory"] ?? "data", "keys");
        builder.Services.AddDataProtection()
            .SetApplicationName("Consulting")
            .PersistKeysToFileSystem(new DirectoryInfo(keysDir));
        return builder;
    }

    /// <summary>Applies pending migrations, seeds roles, and on an empty database the demo data when asked.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, bool seedRequested)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync();
        SqliteSetup.EnableWriteAheadLog(db);

        var seeder = scope.ServiceProvider.GetRequiredService<DemoData>();
        await seeder.EnsureRolesAsync();
        var wantDemo = seedRequested || (app.Configuration.GetValue<bool?>("Seed:Demo") ?? app.Environment.IsDevelopment());
        // Demo specialists get their slots from the same jobs a specialist's own request would use.
        if (wantDemo && await seeder.SeedIfEmptyAsync())
        {
            var jobs = scope.ServiceProvider.GetRequiredService<Jobs.GenerationJobs>();
            await jobs.QueueHorizonAsync("demo", CancellationToken.None);
            jobs.Wake();
        }
    }
}

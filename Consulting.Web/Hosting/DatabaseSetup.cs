using Consulting.Web.Bookings;
using Consulting.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consulting.Web.Hosting;

public enum DatabaseProvider { Sqlite, Postgres }

public static class DatabaseSetup
{
    public const string DefaultConnectionString = "Data Source=data/consulting.db";

    /// <summary>Database:Provider, checked: an unknown name stops start-up with a message naming the setting.</summary>
    public static DatabaseProvider ProviderOf(IConfiguration configuration)
    {
        var name = configuration["Database:Provider"];
        if (string.IsNullOrWhiteSpace(name) || name.Equals("Sqlite", StringComparison.OrdinalIgnoreCase)) return DatabaseProvider.Sqlite;
        if (name.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || name.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase))
            return DatabaseProvider.Postgres;
        throw new InvalidOperationException($"Database:Provider (Database__Provider) is '{name}'; use Sqlite or Postgres.");
    }

    public static WebApplicationBuilder AddAppDatabase(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString("Default");
        // Pooled contexts: a page makes several queries, and building a context each time showed up in profiles.
        if (ProviderOf(builder.Configuration) == DatabaseProvider.Sqlite)
        {
            var connectionString = SqliteSetup.ResolveConnectionString(
                string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured,
                builder.Environment.ContentRootPath);
            builder.Services.AddSingleton<SqlitePragmaInterceptor>();
            builder.Services.AddDbContextPool<AppDbContext>((sp, options) => options
                .UseSqlite(connectionString, sqlite => sqlite.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
                .AddInterceptors(sp.GetRequiredService<SqlitePragmaInterceptor>()));
            builder.Services.AddSingleton<HoldWriter>(sp => new SqliteHoldWriter(connectionString, ModelOf(sp)));
            builder.Services.AddSingleton(new DatabaseProbe(() => new SqliteConnection(connectionString), typeof(AppDbContext)));
        }
        else
        {
            const string example = "\"Host=db.internal;Database=consulting;Username=consulting;Password=…\"";
            if (string.IsNullOrWhiteSpace(configured))
                throw new InvalidOperationException("ConnectionStrings:Default (ConnectionStrings__Default) must be set when " +
                    $"Database:Provider is Postgres, e.g. {example}.");
            try
            {
                if (string.IsNullOrEmpty(new Npgsql.NpgsqlConnectionStringBuilder(configured).Host)) throw new ArgumentException("it names no Host");
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException("ConnectionStrings:Default (ConnectionStrings__Default) is not a PostgreSQL " +
                    $"connection string ({e.Message}); with Database:Provider Postgres it looks like {example}.");
            }
            builder.Services.AddDbContextPool<AppDbContext, PostgresAppDbContext>(options => options
                .UseNpgsql(configured, npgsql => npgsql.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)));
            builder.Services.AddSingleton<HoldWriter, TransactionalHoldWriter>();
            builder.Services.AddSingleton(new DatabaseProbe(() => new NpgsqlConnection(configured), typeof(PostgresAppDbContext)));
        }
        HandServicesToContexts(builder.Services);
        builder.Services.AddSingleton<DatabaseWarmUp>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        // The key ring lives in the database, so a sign-in cookie or a signed link made by one instance
        // works on every other, and after a restart.
        builder.Services.AddDataProtection()
            .SetApplicationName("Consulting")
            .PersistKeysToDbContext<AppDbContext>();
        return builder;
    }

    /// <summary>
    /// A pooled context is built once and lent to many scopes, so it can't take the scope's services
    /// in its constructor: each lending sets them instead, for the consequences of its saves
    /// (<see cref="DomainEventDispatch"/>) to be the scope's own, sharing its context.
    /// </summary>
    private static void HandServicesToContexts(IServiceCollection services)
    {
        var pooled = services.Last(d => d.ServiceType == typeof(AppDbContext));
        var lend = pooled.ImplementationFactory ?? throw new InvalidOperationException("The pooled AppDbContext is expected to be registered by a factory.");
        services.Remove(pooled);
        services.Add(new ServiceDescriptor(typeof(AppDbContext), sp =>
        {
            var db = (AppDbContext)lend(sp);
            db.Services = sp;
            return db;
        }, pooled.Lifetime));
    }

    private static Microsoft.EntityFrameworkCore.Metadata.IModel ModelOf(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<AppDbContext>().Model;
    }

    /// <summary>
    /// Applies pending migrations, brings over a key ring from the old key folder, seeds roles, and on
    /// an empty database the demo data when asked. Instances starting together take turns (a lock in
    /// the database), so the later ones find it all done. On a restart with nothing to change, nothing
    /// here waits for EF Core's model: the history is read with plain SQL, and the model is built (and
    /// the roles checked) beside the rest of start-up.
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
        var keysFolder = Path.Combine(app.Environment.ContentRootPath, app.Configuration["App:DataDirectory"] ?? "data", "keys");
        // A folder of old keys may come with a database that is already up to date (a second
        // instance's, a PostgreSQL one): they are imported whatever the migrations say.
        if (pending.Count == 0 && !wantDemo && !start.MigrateOnly && !KeyRingImport.HasKeys(keysFolder))
        {
            _ = model.ContinueWith(_ => EnsureRolesAsync(app), TaskScheduler.Default).Unwrap()
                .ContinueWith(t => app.Logger.LogError(t.Exception, "Checking the roles after start-up failed"),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return;
        }
        await model;

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        bool seeded;
        await using (await StartupLock.AcquireAsync(db, CancellationToken.None))
        {
            await db.Database.MigrateAsync();
            if (db.Database.IsSqlite()) SqliteSetup.EnableWriteAheadLog(db);
            await KeyRingImport.ImportFolderAsync(db, keysFolder, app.Logger, CancellationToken.None);

            // The first instance makes the key ring's first key, the others find it there: otherwise
            // instances starting together on an empty ring would each make and use a key of their own.
            app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Consulting.KeyRing").Protect([]);
            // Calendar addresses stored before they were encrypted (a migration can't encrypt).
            await app.Services.GetRequiredService<Calendar.CalendarAddresses>().ProtectPlainAsync(db, CancellationToken.None);

            var seeder = scope.ServiceProvider.GetRequiredService<DemoData>();
            await seeder.EnsureRolesAsync();
            seeded = wantDemo && await seeder.SeedIfEmptyAsync();
        }
        // Demo specialists get their slots from the same jobs a specialist's own request would use.
        if (seeded)
        {
            var jobs = scope.ServiceProvider.GetRequiredService<Scheduling.GenerationJobs>();
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

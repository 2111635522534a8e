using System.Net;
using System.Net.Sockets;
using Consulting.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using NodaTime.Testing;

namespace Consulting.Tests.Support;

/// <summary>
/// The real app pipeline on a fresh database, with a <see cref="FakeClock"/>: a SQLite file in a temp
/// folder, or on .ci/test.sh's PostgreSQL pass a database of its own on the test server
/// (<see cref="TestDatabase"/>). Each instance is its own app with its own database, unless it is
/// given another app's <see cref="DataDirectory"/>: then it is a second instance on the same database
/// (and so the same data-protection keys), or the same server started again.
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    /// <summary>Monday 2 November 2026, 12:00 UTC: just after the US and EU autumn DST changes.</summary>
    public static readonly Instant DefaultNow = Instant.FromUtc(2026, 11, 2, 12, 0);

    /// <summary>Set to another app's clock for a second instance on the same database: servers agree on the time.</summary>
    public FakeClock Clock { get; init; } = new(DefaultNow);
    public string DataDirectory { get; }
    public bool SeedDemoData { get; init; }
    /// <summary>Off by default: tests run jobs themselves (e.g. GenerationJobs.RunDueAsync) so timing can't vary.</summary>
    public bool RunJobsInBackground { get; init; }
    /// <summary>Services a test swaps in (stand-ins, counters), applied after the app's own.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }
    /// <summary>The SQLite file (on the SQLite pass).</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "app.db");
    /// <summary>The PostgreSQL database (on the PostgreSQL pass), named after <see cref="DataDirectory"/>.</summary>
    public string DatabaseName => TestDatabase.NameFor(DataDirectory);
    /// <summary>The app's connection string, for either provider.</summary>
    public string ConnectionString => TestDatabase.IsPostgres ? TestDatabase.ConnectionString(DatabaseName) : $"Data Source={DatabasePath}";
    /// <summary>
    /// Start on an empty database, which start-up migrates, rather than on a copy of the migrated
    /// template (PostgreSQL; a new SQLite file is always empty).
    /// </summary>
    public bool EmptyDatabase { get; init; }
    /// <summary>
    /// App:BaseUrl, the start of every absolute link. Unless set, the Kestrel address once
    /// <see cref="StartKestrel"/> serves the app (for the browser), http://localhost:5080 otherwise.
    /// </summary>
    public string? BaseUrl { get; init; }
    public string MailDirectory => Path.Combine(DataDirectory, "mail");

    private string? _serverAddress;

    static AppFactory()
    {
        // Hundreds of short-lived hosts would each hold inotify watchers on appsettings and wwwroot;
        // the per-user limit (128 on Debian) runs out when test runs overlap. Tests never edit those files.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }

    /// <param name="dataDirectory">
    /// Another app's folder: this app then runs on that app's database — "the same server" started
    /// again after a restart, or a second instance beside it while it runs.
    /// </param>
    public AppFactory(string? dataDirectory = null)
    {
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "consulting-tests", Guid.NewGuid().ToString("N"));
        KeepData = dataDirectory is not null;
        Directory.CreateDirectory(DataDirectory);
    }

    /// <summary>Set to leave the folder behind on dispose, so a second factory can reopen it.</summary>
    public bool KeepData { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", TestDatabase.Provider);
        builder.UseSetting("ConnectionStrings:Default", ConnectionString);
        if (TestDatabase.IsPostgres) TestDatabase.EnsureCreatedAsync(DatabaseName, EmptyDatabase).GetAwaiter().GetResult();
        builder.UseSetting("App:DataDirectory", DataDirectory);
        builder.UseSetting("App:BaseUrl", BaseUrl ?? _serverAddress ?? "http://localhost:5080");
        builder.UseSetting("Email:PickupDirectory", MailDirectory);
        builder.UseSetting("Seed:Demo", SeedDemoData ? "true" : "false");
        builder.UseSetting("Jobs:RunInBackground", RunJobsInBackground ? "true" : "false");
        builder.UseSetting("RateLimits:SignInPerMinute", "10000");
        // Test output stays readable: the app logs warnings and errors only (expected ones are many).
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Error");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Error");
        builder.UseSetting("RateLimits:HoldsPerMinute", "100000");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IClock>();
            services.AddSingleton<IClock>(Clock);
        });
        if (TestServices is not null) builder.ConfigureTestServices(TestServices);
    }

    /// <summary>A client that keeps cookies but does not follow redirects, so tests see each 302.</summary>
    public HttpClient CreateBrowserLikeClient() => _serverAddress is null
        ? CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true })
        // Once Kestrel serves the app, clients talk to its real socket.
        : new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
        {
            BaseAddress = new Uri(_serverAddress),
        };

    /// <summary>Serves the app on a real loopback socket (for Chromium) and returns its base address.</summary>
    public string StartKestrel()
    {
        if (_serverAddress is not null) return _serverAddress;
        // The port is chosen before the host is built, so App:BaseUrl (links in emails, payment
        // return addresses) can be the address the browser uses.
        var port = FreePort();
        _serverAddress = $"http://127.0.0.1:{port}";
        UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        StartServer();
        return _serverAddress;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs work against the app's database in its own scope.</summary>
    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public async Task WithDbAsync(Func<AppDbContext, Task> work)
    {
        await using var scope = Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public T GetService<T>() where T : notnull => Services.GetRequiredService<T>();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        SqliteConnection.ClearAllPools();
        if (KeepData) return;
        if (TestDatabase.IsPostgres) TestDatabase.DropAsync(DatabaseName).GetAwaiter().GetResult();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* a straggling file handle; the temp folder is cleaned by the OS */ }
    }
}

/// <summary>One demo-seeded app shared by the tests of a class that only read or add their own rows.</summary>
public sealed class SeededAppFactory : AppFactory
{
    public SeededAppFactory() => SeedDemoData = true;
}

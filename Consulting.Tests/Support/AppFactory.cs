using System.Net;
using System.Net.Sockets;
using Consulting.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using NodaTime.Testing;

namespace Consulting.Tests.Support;

/// <summary>
/// The real app pipeline on a fresh SQLite file in a temp folder, with a <see cref="FakeClock"/>.
/// Each instance is its own app with its own database.
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    /// <summary>Monday 2 November 2026, 12:00 UTC: just after the US and EU autumn DST changes.</summary>
    public static readonly Instant DefaultNow = Instant.FromUtc(2026, 11, 2, 12, 0);

    public FakeClock Clock { get; } = new(DefaultNow);
    public string DataDirectory { get; }
    public bool SeedDemoData { get; init; }
    /// <summary>Off by default: tests run jobs themselves (e.g. GenerationJobs.RunDueAsync) so timing can't vary.</summary>
    public bool RunJobsInBackground { get; init; }
    public string DatabasePath => Path.Combine(DataDirectory, "app.db");
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

    /// <param name="dataDirectory">Another app's folder, to start "the same server" again after a restart.</param>
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
        builder.UseSetting("ConnectionStrings:Default", $"Data Source={DatabasePath}");
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
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* a straggling file handle; the temp folder is cleaned by the OS */ }
    }
}

/// <summary>One demo-seeded app shared by the tests of a class that only read or add their own rows.</summary>
public sealed class SeededAppFactory : AppFactory
{
    public SeededAppFactory() => SeedDemoData = true;
}

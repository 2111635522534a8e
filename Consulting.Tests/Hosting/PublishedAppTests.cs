using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Consulting.Tests.Hosting;

/// <summary>
/// The published app as an operator runs it: `dotnet /srv/app/Consulting.Web.dll` from another
/// working directory (a systemd unit without WorkingDirectory), with relative paths in its
/// settings. One test, since publishing is slow: it reuses the build this test run already made
/// (--no-build) and skips ReadyToRun, which changes how fast the app starts, not where it looks.
/// Its own SQLite file whatever the pass: once is enough (it is about paths, not the provider).
/// </summary>
[NoDatabase]
public sealed class PublishedAppTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Consulting.sln"))) return dir.FullName;
        throw new InvalidOperationException("Consulting.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string workingDirectory, IDictionary<string, string> environment,
        params string[] args)
    {
        using var process = Start(file, workingDirectory, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }

    private static Process Start(string file, string workingDirectory, IDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // Nothing of the test host's own environment decides where the app looks.
        foreach (var key in new[] { "ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS" })
            info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Published_app_runs_from_another_folder_with_its_files_under_its_own_folder()
    {
        var root = Path.Combine(Path.GetTempPath(), "consulting-tests", "published-" + Guid.NewGuid().ToString("N"));
        var appDir = Path.Combine(root, "srv", "app");
        var elsewhere = Directory.CreateDirectory(Path.Combine(root, "elsewhere")).FullName;
        try
        {
            var configuration = typeof(PublishedAppTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            var published = await RunAsync("dotnet", RepositoryRoot(), new Dictionary<string, string> { ["MSBUILDDISABLENODEREUSE"] = "1" },
                "publish", Path.Combine(RepositoryRoot(), "Consulting.Web", "Consulting.Web.csproj"), "-c", configuration, "--no-build",
                "-o", appDir, "-p:PublishReadyToRun=false", "-p:RuntimeIdentifier=", "-nologo", "-v", "q");
            Assert.True(published.ExitCode == 0, published.Output);

            var port = FreePort();
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["App__BaseUrl"] = "https://book.consulting.example",
                ["ConnectionStrings__Default"] = "Data Source=data/published.db",
            };
            var dll = Path.Combine(appDir, "Consulting.Web.dll");

            // The deploy step: migrations applied, then it exits without serving.
            var migrated = await RunAsync("dotnet", elsewhere, environment, dll, "--migrate-only");
            Assert.True(migrated.ExitCode == 0, migrated.Output);
            var database = Path.Combine(appDir, "data", "published.db");
            Assert.True(File.Exists(database), "the database is not under the app's folder");
            Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
            await using (var connection = new SqliteConnection($"Data Source={database};Pooling=false"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\"";
                Assert.True((long)(await command.ExecuteScalarAsync())! > 0);
            }

            using var server = Start("dotnet", elsewhere, environment, dll);
            var log = new System.Text.StringBuilder();
            server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            server.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
                var health = await WaitForHealthAsync(http, server, log);
                Assert.Contains("\"status\":\"Healthy\"", health);

                var home = await http.GetAsync("/");
                Assert.Equal(HttpStatusCode.OK, home.StatusCode);
                Assert.Contains("<html", await home.Content.ReadAsStringAsync());
                // The web root is the published wwwroot, found from another working directory.
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/lib/htmx/htmx.min.js")).StatusCode);
                Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
                // The key ring is in that database, not in a folder beside whatever directory the process started in.
                await using var connection = new SqliteConnection($"Data Source={database};Pooling=false");
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM \"DataProtectionKeys\"";
                Assert.True((long)(await command.ExecuteScalarAsync())! > 0, "no data-protection key in the app's database");
            }
            finally
            {
                if (!server.HasExited) server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { /* a straggling handle; the temp folder is cleaned by the OS */ }
        }
    }

    private static async Task<string> WaitForHealthAsync(HttpClient http, Process server, System.Text.StringBuilder log)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (server.HasExited) Assert.Fail("The app exited with " + server.ExitCode + ":\n" + log);
            try
            {
                var response = await http.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK) return await response.Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too slow on a busy machine: ask again.
            }
            if (deadline.Elapsed > TimeSpan.FromMinutes(4)) Assert.Fail("No answer from /healthz within 4 minutes:\n" + log);
            await Task.Delay(100);
        }
    }
}

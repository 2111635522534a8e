using Consulting.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace Consulting.Tests.Data;

/// <summary>Database settings that can't work stop start-up with a message naming the setting (no database is opened).</summary>
[NoDatabase]
public sealed class DatabaseSettingsTests
{
    private sealed class ConfiguredApp(string provider, string? connectionString) : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Database:Provider", provider);
            builder.UseSetting("ConnectionStrings:Default", connectionString);
        }
    }

    private static string StartUpError(string provider, string? connectionString)
    {
        using var app = new ConfiguredApp(provider, connectionString);
        var error = Assert.ThrowsAny<Exception>(() => app.Services);
        return string.Join(" | ", Chain(error).Select(e => e.Message));
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException) yield return e;
    }

    [Fact]
    public void An_unknown_provider_stops_start_up_naming_the_setting()
    {
        Assert.Contains("Database:Provider (Database__Provider) is 'Oracle'; use Sqlite or Postgres.", StartUpError("Oracle", "Data Source=x.db"));
    }

    [Fact]
    public void Postgres_without_a_connection_string_stops_start_up_naming_the_setting()
    {
        Assert.Contains("ConnectionStrings:Default (ConnectionStrings__Default) must be set when Database:Provider is Postgres", StartUpError("Postgres", ""));
    }

    [Fact]
    public void Postgres_with_a_sqlite_connection_string_stops_start_up_naming_the_setting()
    {
        Assert.Contains("ConnectionStrings:Default (ConnectionStrings__Default) is not a PostgreSQL connection string", StartUpError("Postgres", "Data Source=data/consulting.db"));
    }
}

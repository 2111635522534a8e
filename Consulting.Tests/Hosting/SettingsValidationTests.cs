using Consulting.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace Consulting.Tests.Hosting;

/// <summary>Each settings rule stops start-up with a message naming the setting, before the database is touched.</summary>
public sealed class SettingsValidationTests
{
    private sealed class SettingsApp(string environment, (string Key, string Value)[] settings) : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(environment);
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }
    }

    private const string PublicBaseUrl = "https://book.consulting.example";

    /// <summary>The failures of a start in <paramref name="environment"/>; a public App:BaseUrl unless the settings say otherwise.</summary>
    private static IReadOnlyList<string> FailuresOf(string environment, params (string Key, string Value)[] settings)
    {
        using var app = new SettingsApp(environment, [("App:BaseUrl", PublicBaseUrl), .. settings]);
        var failure = StartupFailure.Of(app);
        Assert.False(File.Exists(app.DatabasePath), "the database was touched before the settings were checked");
        Assert.StartsWith("The settings are invalid:", failure.Message);
        return failure.Failures;
    }

    private static string Single(string environment, params (string Key, string Value)[] settings) => Assert.Single(FailuresOf(environment, settings));

    [Fact]
    public void A_Stripe_key_without_its_webhook_secret_stops_start_up()
    {
        var message = Single("Production", ("Stripe:SecretKey", "sk_live_123"));
        Assert.Contains("Stripe:WebhookSecret", message);
        Assert.Contains("Stripe:SecretKey", message);
    }

    [Fact]
    public void Two_of_the_three_Zoom_keys_stop_start_up_naming_the_missing_one()
    {
        var message = Single("Production", ("Zoom:AccountId", "acc"), ("Zoom:ClientId", "client"));
        Assert.StartsWith("Zoom:ClientSecret is missing", message);
    }

    [Fact]
    public void Two_of_the_three_Twilio_keys_stop_start_up_naming_the_missing_one()
    {
        var message = Single("Production", ("Twilio:AccountSid", "AC1"), ("Twilio:From", "+15550100"));
        Assert.StartsWith("Twilio:AuthToken is missing", message);
    }

    [Fact]
    public void A_missing_base_url_stops_start_up()
    {
        Assert.StartsWith("App:BaseUrl is missing", Single("Production", ("App:BaseUrl", "")));
    }

    [Theory]
    [InlineData("http://localhost:5080")]
    [InlineData("http://127.0.0.1:8080/")]
    [InlineData("https://[::1]/")]
    public void A_local_base_url_outside_development_stops_start_up(string baseUrl)
    {
        var message = Single("Production", ("App:BaseUrl", baseUrl));
        Assert.StartsWith($"App:BaseUrl is {baseUrl}, a local address, in the Production environment", message);
    }

    [Fact]
    public void A_base_url_that_is_not_an_absolute_http_address_stops_start_up()
    {
        Assert.StartsWith("App:BaseUrl must be the site's absolute http(s) address", Single("Staging", ("App:BaseUrl", "book.consulting.example")));
        Assert.StartsWith("App:BaseUrl must be the site's absolute http(s) address", Single("Staging", ("App:BaseUrl", "ftp://book.consulting.example")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void Hold_minutes_of_zero_or_less_stop_start_up(string minutes)
    {
        Assert.Equal("The field Booking:HoldMinutes must be between 1 and 1440.", Single("Production", ("Booking:HoldMinutes", minutes)));
    }

    [Fact]
    public void A_negative_policy_window_stops_start_up()
    {
        Assert.Equal("The field Booking:PolicyWindowHours must be between 0 and 8784.", Single("Production", ("Booking:PolicyWindowHours", "-1")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    public void An_smtp_port_out_of_range_stops_start_up(string port)
    {
        Assert.Equal("The field Smtp:Port must be between 1 and 65535.", Single("Production", ("Smtp:Host", "mail.example.com"), ("Smtp:Port", port)));
    }

    [Fact]
    public void A_proxy_that_is_not_an_address_stops_start_up()
    {
        var messages = FailuresOf("Production", ("ForwardedHeaders:KnownProxies", "10.0.0.5,proxy.internal"), ("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33"));
        Assert.Equal(
            ["ForwardedHeaders:KnownProxies has 'proxy.internal', which is not an IP address.",
             "ForwardedHeaders:KnownNetworks has '10.0.0.0/33', which is not a network in CIDR form (such as 10.0.0.0/8)."],
            messages);
    }

    [Fact]
    public void Every_invalid_setting_is_listed_at_once()
    {
        var messages = FailuresOf("Production",
            ("App:BaseUrl", "http://localhost"), ("Booking:HoldMinutes", "0"), ("Email:From", "nobody"),
            ("Scheduling:HorizonDays", "400"), ("Health:OutboxDegradedAfterMinutes", "0"), ("RateLimits:HoldsPerMinute", "0"),
            ("Jitsi:BaseUrl", "meet"), ("Stripe:SecretKey", "sk_live_123"));
        foreach (var key in new[]
                 {
                     "App:BaseUrl", "Booking:HoldMinutes", "Email:From", "Scheduling:HorizonDays", "Health:OutboxDegradedAfterMinutes",
                     "RateLimits:HoldsPerMinute", "Jitsi:BaseUrl", "Stripe:WebhookSecret",
                 })
            Assert.Contains(messages, m => m.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void A_local_base_url_is_fine_in_development()
    {
        using var app = new SettingsApp("Development", [("App:BaseUrl", "http://localhost:5080")]);
        Assert.NotNull(app.Services);
    }
}

using System.Net;
using System.Text.Json;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Hosting;

/// <summary>/healthz reports the database and the outbox; a message waiting too long makes it Degraded (still 200: the app serves).</summary>
public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(AppFactory app)
    {
        var response = await app.CreateClient().GetAsync("/healthz");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    [Fact]
    public async Task A_message_waiting_longer_than_the_threshold_makes_health_degraded()
    {
        using var app = new AppFactory();
        await app.WithDbAsync(db =>
        {
            db.Notifications.Add(Notification.Create(NotificationType.Reminder24h, new Recipient(null, "waiting@example.com", null, "UTC"),
                null, "Your session is tomorrow", "", [Channel.Email], app.Clock.GetCurrentInstant()));
            return db.SaveChangesAsync();
        });

        var (status, body) = await HealthAsync(app);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (status, body.GetProperty("status").GetString()));
        Assert.Equal("1 message waiting, the oldest for 0 min", body.GetProperty("checks").GetProperty("outbox").GetProperty("description").GetString());

        // Nothing sends it (jobs are off in tests): 16 minutes later it has waited past the 15-minute default.
        app.Clock.Advance(Duration.FromMinutes(16));
        (status, body) = await HealthAsync(app);
        Assert.Equal((HttpStatusCode.OK, "Degraded"), (status, body.GetProperty("status").GetString()));
        var outbox = body.GetProperty("checks").GetProperty("outbox");
        Assert.Equal("Degraded", outbox.GetProperty("status").GetString());
        Assert.Equal("1 message waiting, the oldest for 16 min (more than 15 min)", outbox.GetProperty("description").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }
}

using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using NodaTime;

namespace Consulting.Tests.Notifications;

/// <summary>An app that sends email over SMTP to 127.0.0.1:<c>port</c>, whether or not a server listens there.</summary>
public sealed class SmtpAppFactory(int port, string? dataDirectory = null) : AppFactory(dataDirectory)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Smtp:Host", "127.0.0.1");
        builder.UseSetting("Smtp:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Smtp:Security", "None");
        builder.UseSetting("Smtp:TimeoutSeconds", "5");
    }
}

/// <summary>Outbox faults with a real SMTP server on loopback: outages, a stopped host, two dispatchers.</summary>
public sealed class OutboxTests
{
    private static async Task<int> DispatchAsync(AppFactory app, CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().RunDueAsync(ct);
    }

    private static Task<List<NotificationDelivery>> EmailDeliveriesAsync(AppFactory app) =>
        app.WithDbAsync(db => db.NotificationDeliveries.AsNoTracking().Where(d => d.Channel == Channel.Email).ToListAsync());

    /// <summary>Confirmed bookings: each records three emails (the customer's confirmation and receipt, the specialist's new booking).</summary>
    private static async Task BookAsync(AppFactory app, int count)
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        for (var i = 0; i < count; i++)
            await app.ConfirmedBookingAsync(specialist.Slots[i], email: $"customer{i}@example.com");
    }

    private static void AssertEachOnce(IReadOnlyList<MimeMessage> messages, int expected)
    {
        Assert.Equal(expected, messages.Count);
        Assert.Equal(expected, messages.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task While_SMTP_is_down_emails_wait_with_back_off_and_are_delivered_once_it_is_back()
    {
        var port = SmtpListener.FreePort();
        using var app = new SmtpAppFactory(port);
        await BookAsync(app, 1);

        await DispatchAsync(app);
        var failed = await EmailDeliveriesAsync(app);
        Assert.Equal(3, failed.Count);
        Assert.All(failed, d => Assert.Equal((DeliveryState.Pending, 1), (d.State, d.Attempts)));
        Assert.All(failed, d => Assert.Equal(app.Clock.GetCurrentInstant() + OutboxDispatcher.BaseDelay, d.NextAttemptAt));
        Assert.All(failed, d => Assert.NotNull(d.LastError));

        // Not due yet: nothing is tried. A minute later, still down: the next wait doubles.
        Assert.Equal(0, await DispatchAsync(app));
        Assert.All(await EmailDeliveriesAsync(app), d => Assert.Equal(1, d.Attempts));
        app.Clock.Advance(OutboxDispatcher.BaseDelay);
        Assert.Equal(0, await DispatchAsync(app));
        Assert.All(await EmailDeliveriesAsync(app), d => Assert.Equal((2, app.Clock.GetCurrentInstant() + OutboxDispatcher.BaseDelay * 2), (d.Attempts, d.NextAttemptAt)));

        await using var smtp = await SmtpListener.StartAsync(port);
        app.Clock.Advance(OutboxDispatcher.BaseDelay * 2);
        Assert.Equal(3, await DispatchAsync(app));
        Assert.Equal(0, await DispatchAsync(app));

        AssertEachOnce(await smtp.MessagesAsync(3), 3);
        Assert.All(await EmailDeliveriesAsync(app), d => Assert.Equal(DeliveryState.Sent, d.State));
    }

    [Fact]
    public async Task After_the_last_retry_a_delivery_is_failed_and_listed_for_admins_who_can_send_it_again()
    {
        var port = SmtpListener.FreePort();
        using var app = new SmtpAppFactory(port);
        await BookAsync(app, 1);

        for (var attempt = 1; attempt <= OutboxDispatcher.MaxAttempts; attempt++)
        {
            await DispatchAsync(app);
            app.Clock.Advance(Duration.FromHours(2));
        }

        Assert.All(await EmailDeliveriesAsync(app), d => Assert.Equal((DeliveryState.Failed, OutboxDispatcher.MaxAttempts), (d.State, d.Attempts)));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<OutboxAdmin>();
            var listed = await admin.FailedAsync(CancellationToken.None);
            Assert.Equal(3, listed.Count);
            Assert.True(await admin.RetryAsync(listed[0].DeliveryId, CancellationToken.None));
        }
        await using var smtp = await SmtpListener.StartAsync(port);
        Assert.Equal(1, await DispatchAsync(app));
        AssertEachOnce(await smtp.MessagesAsync(1), 1);
    }

    [Fact]
    public async Task A_host_stopped_mid_dispatch_and_started_again_delivers_every_message_exactly_once()
    {
        await using var smtp = await SmtpListener.StartAsync();
        using var stop = new CancellationTokenSource();
        string data;
        using (var before = new SmtpAppFactory(smtp.Port)
        {
            KeepData = true,
            // The host stops right after its first email went out.
            TestServices = s => s.Decorate(stop),
        })
        {
            await BookAsync(before, 3);
            // A dispatcher that died after claiming a delivery (before sending it) left its lease behind.
            var orphan = (await EmailDeliveriesAsync(before)).Last().Id;
            await using (var scope = before.Services.CreateAsyncScope())
                Assert.NotNull(await scope.ServiceProvider.GetRequiredService<WorkRunner>().ClaimAsync(OutboxDispatcher.Table, orphan, CancellationToken.None));

            await DispatchAsync(before, stop.Token);
            Assert.Single(await smtp.MessagesAsync(1));
            Assert.Single(await EmailDeliveriesAsync(before), d => d.State == DeliveryState.Sent);
            data = before.DataDirectory;
        }

        using var after = new SmtpAppFactory(smtp.Port, data);
        await DispatchAsync(after);
        // The orphaned claim waits for its lease to run out, then goes like the rest.
        Assert.Equal(8, (await EmailDeliveriesAsync(after)).Count(d => d.State == DeliveryState.Sent));
        after.Clock.Advance(JobsOptions.DefaultLease);
        await DispatchAsync(after);
        Assert.Equal(0, await DispatchAsync(after));

        AssertEachOnce(await smtp.MessagesAsync(9), 9);
        Assert.All(await EmailDeliveriesAsync(after), d => Assert.Equal(DeliveryState.Sent, d.State));
    }

    [Fact]
    public async Task Two_dispatchers_running_at_once_send_no_duplicates()
    {
        await using var smtp = await SmtpListener.StartAsync();
        using var app = new SmtpAppFactory(smtp.Port);
        await BookAsync(app, 5);

        // Each run also counts the specialist's in-app copies (5): 15 emails + 5 in-app, once each.
        var sent = await Task.WhenAll(DispatchAsync(app), DispatchAsync(app));

        Assert.Equal(20, sent.Sum());
        AssertEachOnce(await smtp.MessagesAsync(15), 15);
        Assert.All(await EmailDeliveriesAsync(app), d => Assert.Equal((DeliveryState.Sent, 1), (d.State, d.Attempts)));
    }
}

internal static class StoppingTransport
{
    /// <summary>Wraps the email transport so that <paramref name="stop"/> is cancelled after the first send.</summary>
    public static void Decorate(this IServiceCollection services, CancellationTokenSource stop) =>
        services.Decorate<IEmailTransport>(inner => new Stopping(inner, stop));

    private sealed class Stopping(IEmailTransport inner, CancellationTokenSource stop) : IEmailTransport
    {
        public string Name => inner.Name;

        public async Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            await inner.SendAsync(message, ct);
            await stop.CancelAsync();
        }
    }
}

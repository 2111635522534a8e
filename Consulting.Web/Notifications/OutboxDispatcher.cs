using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Notifications;

/// <summary>
/// Sends what the outbox holds. Each delivery is claimed through <see cref="WorkRunner"/> (one
/// dispatcher of any instance holds its lease), sent, and its outcome recorded; failures are retried
/// with exponential back-off up to <see cref="MaxAttempts"/>, then marked failed for admins. A crash
/// after sending but before recording re-sends once the lease runs out — with the same Message-Id,
/// so mail clients can tell it is the same message (the most SMTP allows).
/// </summary>
public sealed class OutboxDispatcher(
    AppDbContext db,
    WorkRunner runner,
    IServiceProvider services,
    IEmailTransport email,
    ISmsSender sms,
    IClock clock,
    ILogger<OutboxDispatcher> log) : IWorkKind<NotificationDelivery, Guid>
{
    public const int MaxAttempts = 6;
    public static readonly Duration BaseDelay = Duration.FromMinutes(1);

    public static readonly WorkTable<NotificationDelivery, Guid> Table = new(
        "Delivery", d => d.Id, d => d.State == DeliveryState.Pending || d.State == DeliveryState.Sending, d => d.NextAttemptAt, d => d.Attempts,
        new RetryPolicy(BaseDelay, Duration.FromHours(1), MaxAttempts))
    {
        OnClaim = (s, _) => s.SetProperty(d => d.State, DeliveryState.Sending),
    };

    WorkTable<NotificationDelivery, Guid> IWorkKind<NotificationDelivery, Guid>.Table => Table;

    /// <summary>Sends every due delivery; returns how many were sent.</summary>
    public Task<int> RunDueAsync(CancellationToken ct) => runner.RunDueAsync(this, ct);

    public async Task<bool> RunAsync(WorkLease<Guid> lease, CancellationToken ct)
    {
        var delivery = await db.NotificationDeliveries.SingleAsync(d => d.Id == lease.Key, ct);
        var notification = await db.Notifications.AsNoTracking().SingleAsync(n => n.Deliveries.Any(d => d.Id == lease.Key), ct);
        try
        {
            await SendAsync(notification, delivery.Channel, ct);
            delivery.MarkSent(clock.GetCurrentInstant());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "{Channel} delivery {DeliveryId} failed (attempt {Attempt})", delivery.Channel, delivery.Id, delivery.Attempts);
            // A refusal that can't change (e.g. an invalid phone number) isn't retried.
            if (e is SmsSendException { IsTransient: false }) delivery.MarkFailedForGood(e.Message);
            else delivery.MarkAttemptFailed(e.Message, clock.GetCurrentInstant(), Table.Retry);
            if (delivery.State == DeliveryState.Failed)
                log.LogError("{Channel} delivery {DeliveryId} failed for good after {Attempts} attempts", delivery.Channel, delivery.Id, delivery.Attempts);
        }
        // Recorded even when the host is stopping: what went out must not go out again.
        var completed = await lease.CompleteAsync(CancellationToken.None);
        if (completed) await ForgetRecipientIfSettledAsync(notification);
        return completed && delivery.State == DeliveryState.Sent;
    }

    /// <summary>A deleted account's address was kept only until its last messages went out.</summary>
    private async Task ForgetRecipientIfSettledAsync(Notification sent)
    {
        if (!sent.ForgetRecipientOnceSent) return;
        db.ChangeTracker.Clear();
        var notification = await db.Notifications.SingleAsync(n => n.Id == sent.Id, CancellationToken.None);
        if (notification.ForgetSettledRecipient()) await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task SendAsync(Notification notification, Channel channel, CancellationToken ct)
    {
        switch (channel)
        {
            case Channel.InApp:
                // Stored is delivered: the notifications page and badge read the row itself.
                return;
            case Channel.Email:
                var composer = services.GetRequiredService<EmailComposer>();
                // The composer derives the Message-Id from the notification, so a re-send carries the same one.
                if (await composer.ComposeIfStillWantedAsync(notification, ct) is { } message) await email.SendAsync(message, ct);
                return;
            case Channel.Sms:
                if (!sms.IsEnabled || notification.RecipientPhone is null || SmsComposer.Compose(notification) is not { } text) return;
                await sms.SendAsync(notification.RecipientPhone, text, ct);
                return;
        }
    }
}

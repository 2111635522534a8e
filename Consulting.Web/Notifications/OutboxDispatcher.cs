using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Notifications;

/// <summary>
/// Sends what the outbox holds. Each delivery is claimed with a lease (a save that only succeeds if
/// nobody else claimed it first), sent, and its outcome recorded; failures are retried with
/// exponential back-off up to <see cref="MaxAttempts"/>, then marked failed for admins. A crash
/// after sending but before recording re-sends once the lease runs out — with the same Message-Id,
/// so mail clients can tell it is the same message (the most SMTP allows).
/// </summary>
public sealed class OutboxDispatcher(
    AppDbContext db,
    IServiceProvider services,
    IEmailTransport email,
    ISmsSender sms,
    IClock clock,
    ILogger<OutboxDispatcher> log)
{
    public const int MaxAttempts = 6;
    public static readonly Duration BaseDelay = Duration.FromMinutes(1);
    public static readonly Duration Lease = Duration.FromMinutes(2);
    private const int Batch = 50;

    /// <summary>Sends every due delivery; returns how many were sent.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var sent = 0;
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetCurrentInstant();
            var due = await db.NotificationDeliveries.AsNoTracking()
                .Where(d => (d.State == DeliveryState.Pending && d.NextAttemptAt <= now) || (d.State == DeliveryState.Sending && d.LeaseUntil <= now))
                .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(Batch).ToListAsync(ct);
            if (due.Count == 0) break;
            var progressed = false;
            foreach (var id in due)
            {
                if (ct.IsCancellationRequested) break;
                switch (await DispatchAsync(id, ct))
                {
                    case Outcome.Sent:
                        sent++;
                        progressed = true;
                        break;
                    case Outcome.Failed:
                        progressed = true;
                        break;
                }
            }
            if (!progressed || due.Count < Batch) break;
        }
        return sent;
    }

    private enum Outcome { NotClaimed, Sent, Failed }

    private async Task<Outcome> DispatchAsync(Guid deliveryId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetCurrentInstant();
        var delivery = await db.NotificationDeliveries.SingleAsync(d => d.Id == deliveryId, ct);
        if (!delivery.IsDue(now)) return Outcome.NotClaimed;
        delivery.Claim(now, Lease);
        if (!await TrySaveAsync(ct)) return Outcome.NotClaimed;

        var notification = await db.Notifications.AsNoTracking().SingleAsync(n => n.Deliveries.Any(d => d.Id == deliveryId), ct);
        try
        {
            await SendAsync(notification, delivery.Channel, ct);
            delivery.MarkSent(clock.GetCurrentInstant());
            // Recorded even when the host is stopping: what went out must not go out again.
            await TrySaveAsync(CancellationToken.None);
            await ForgetRecipientIfSettledAsync(notification);
            return Outcome.Sent;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "{Channel} delivery {DeliveryId} failed (attempt {Attempt})", delivery.Channel, delivery.Id, delivery.Attempts);
            // A refusal that can't change (e.g. an invalid phone number) isn't retried.
            var permanent = e is SmsSendException { IsTransient: false };
            delivery.MarkAttemptFailed(e.Message, clock.GetCurrentInstant(), permanent ? delivery.Attempts : MaxAttempts, BaseDelay);
            if (delivery.State == DeliveryState.Failed)
                log.LogError("{Channel} delivery {DeliveryId} failed for good after {Attempts} attempts", delivery.Channel, delivery.Id, delivery.Attempts);
            await TrySaveAsync(CancellationToken.None);
            await ForgetRecipientIfSettledAsync(notification);
            return Outcome.Failed;
        }
    }

    /// <summary>A deleted account's address was kept only until its last messages went out.</summary>
    private async Task ForgetRecipientIfSettledAsync(Notification sent)
    {
        if (!sent.ForgetRecipientOnceSent) return;
        db.ChangeTracker.Clear();
        var notification = await db.Notifications.SingleAsync(n => n.Id == sent.Id, CancellationToken.None);
        if (notification.ForgetSettledRecipient()) await TrySaveAsync(CancellationToken.None);
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

    /// <summary>False when another dispatcher changed the delivery first (its lease wins).</summary>
    private async Task<bool> TrySaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}

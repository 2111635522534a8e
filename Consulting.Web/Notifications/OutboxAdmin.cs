using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Notifications;

public sealed record FailedDelivery(Guid DeliveryId, Channel Channel, int Attempts, string? LastError, Instant NextAttemptAt,
    NotificationType Type, string Title, string RecipientEmail, Instant CreatedAt);

/// <summary>What admins see of the outbox: deliveries that failed for good, and sending them again.</summary>
public sealed class OutboxAdmin(AppDbContext db, IClock clock)
{
    public Task<List<FailedDelivery>> FailedAsync(CancellationToken ct) =>
        (from d in db.NotificationDeliveries.AsNoTracking()
         join n in db.Notifications on EF.Property<Guid>(d, "NotificationId") equals n.Id
         where d.State == DeliveryState.Failed
         orderby n.CreatedAt descending
         select new FailedDelivery(d.Id, d.Channel, d.Attempts, d.LastError, d.NextAttemptAt, n.Type, n.Title, n.RecipientEmail, n.CreatedAt))
        .Take(200).ToListAsync(ct);

    public async Task<bool> RetryAsync(Guid deliveryId, CancellationToken ct)
    {
        var delivery = await db.NotificationDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (delivery is null || delivery.State != DeliveryState.Failed) return false;
        delivery.Retry(clock.GetCurrentInstant());
        await db.SaveChangesAsync(ct);
        return true;
    }
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Notifications;

public sealed record NotificationPage(IReadOnlyList<Notification> Items, int Total, int Unread, int Page, int PageCount);

/// <summary>A signed-in user's own notifications: the list, the unread count and marking read.</summary>
public sealed class InAppNotifications(AppDbContext db, IClock clock)
{
    public const int PageSize = 20;

    private IQueryable<Notification> Mine(string userId) =>
        db.Notifications.Where(n => n.RecipientUserId == userId && n.Deliveries.Any(d => d.Channel == Channel.InApp));

    public Task<int> UnreadCountAsync(string userId, CancellationToken ct) =>
        Mine(userId).CountAsync(n => n.ReadAt == null, ct);

    public async Task<NotificationPage> PageAsync(string userId, int page, CancellationToken ct)
    {
        var total = await Mine(userId).CountAsync(ct);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pageCount);
        var items = await Mine(userId).AsNoTracking().IgnoreAutoIncludes()
            .OrderByDescending(n => n.CreatedAt).Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return new NotificationPage(items, total, await UnreadCountAsync(userId, ct), page, pageCount);
    }

    /// <summary>Marks one of the user's notifications read; false when it isn't theirs.</summary>
    public async Task<bool> MarkReadAsync(string userId, Guid notificationId, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var mine = Mine(userId).Where(n => n.Id == notificationId);
        if (!await mine.AnyAsync(ct)) return false;
        await mine.Where(n => n.ReadAt == null).ExecuteUpdateAsync(u => u.SetProperty(n => n.ReadAt, now), ct);
        return true;
    }

    public Task<int> MarkAllReadAsync(string userId, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        return Mine(userId).Where(n => n.ReadAt == null).ExecuteUpdateAsync(u => u.SetProperty(n => n.ReadAt, now), ct);
    }
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Notifications;

/// <summary>
/// Records the 24 h and 1 h reminders that are due. Driven by stored state, not by timers: a run
/// after downtime still records what came due meanwhile (until the session starts), and each
/// reminder's dedupe key (booking + its current start) is unique in the database, so it happens
/// exactly once even when two instances record at the same moment.
/// </summary>
public sealed class Reminders(AppDbContext db, Notifier notifier, IClock clock)
{
    private static readonly (NotificationType Kind, Duration Lead)[] Kinds =
    [
        (NotificationType.Reminder24h, Duration.FromHours(24)),
        (NotificationType.Reminder1h, Duration.FromHours(1)),
    ];

    public async Task<int> RecordDueAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var horizon = now + Duration.FromHours(24);
        var upcoming = await db.Bookings.AsNoTracking()
            .Where(b => b.Status == BookingStatus.Confirmed && b.Start > now && b.Start <= horizon)
            .ToListAsync(ct);
        var recorded = 0;
        foreach (var booking in upcoming)
        {
            var armedAt = ArmedAt(booking);
            foreach (var (kind, lead) in Kinds)
            {
                var due = booking.Start - lead;
                // Only reminders still ahead when the booking got its current time: a booking made
                // 10 hours before the start gets the 1 h reminder, not a late "24 h" one.
                if (due > now || due < armedAt) continue;
                await notifier.ReminderAsync(booking, kind, ct);
            }
            recorded += await SaveOnceAsync(ct);
        }
        return recorded;
    }

    /// <summary>Saves the booking's new reminders; 0 when another instance recorded them first.</summary>
    private async Task<int> SaveOnceAsync(CancellationToken ct)
    {
        var added = db.ChangeTracker.Entries<Notification>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.DedupeKey).ToList();
        if (added.Count == 0) return 0;
        try
        {
            await db.SaveChangesAsync(ct);
            return added.Count;
        }
        catch (DbUpdateException)
        {
            // The unique dedupe key refused them: someone else's run recorded these reminders.
            db.ChangeTracker.Clear();
            if (await db.Notifications.CountAsync(n => added.Contains(n.DedupeKey), ct) == added.Count) return 0;
            throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>When the booking got its current time: confirmed, or last moved.</summary>
    private static Instant ArmedAt(Booking booking)
    {
        var confirmed = booking.StatusHistory.Where(h => h.Status == BookingStatus.Confirmed).Select(h => h.At).DefaultIfEmpty(booking.CreatedAt).Max();
        var moved = booking.RescheduleHistory.Select(r => r.At).DefaultIfEmpty(Instant.MinValue).Max();
        return confirmed > moved ? confirmed : moved;
    }
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Meetings;

/// <summary>
/// Tells the meeting provider what a booking needs (create / move / delete its meeting), as stored
/// on the booking. A provider failure never touches the booking itself: the work is retried with
/// back-off, and after a few failures the specialist is told.
/// </summary>
public sealed class MeetingSyncService(
    AppDbContext db,
    IMeetingProvider provider,
    Notifier notifier,
    IClock clock,
    ILogger<MeetingSyncService> log)
{
    public const int TellSpecialistAfterAttempts = 3;
    private static readonly Duration Lease = Duration.FromMinutes(2);
    private static readonly Duration MaxDelay = Duration.FromHours(1);

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var due = await db.Bookings.AsNoTracking()
            .Where(b => b.MeetingSync != MeetingSync.None && b.MeetingSyncDueAt <= now)
            .OrderBy(b => b.MeetingSyncDueAt).Select(b => b.Id).Take(100).ToListAsync(ct);
        var done = 0;
        foreach (var id in due)
            if (await SyncAsync(id, ct)) done++;
        return done;
    }

    /// <summary>Does the booking's pending meeting work now if it is due; false if there was none or it failed.</summary>
    public async Task<bool> SyncAsync(Guid bookingId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetCurrentInstant();
        var seen = await db.Bookings.AsNoTracking().Where(b => b.Id == bookingId)
            .Select(b => new { b.MeetingSync, b.MeetingSyncAttempts, b.MeetingSyncDueAt }).SingleOrDefaultAsync(ct);
        if (seen is null || seen.MeetingSync == MeetingSync.None || seen.MeetingSyncDueAt > now) return false;

        // Claim: only one runner moves the due time forward for this exact piece of work.
        var claimed = await db.Bookings
            .Where(b => b.Id == bookingId && b.MeetingSync == seen.MeetingSync && b.MeetingSyncAttempts == seen.MeetingSyncAttempts
                && b.MeetingSyncDueAt <= now)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.MeetingSyncDueAt, now + Lease), ct);
        if (claimed == 0) return false;

        var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId, ct);
        var work = booking.MeetingSync;
        var before = booking.Meeting;
        MeetingInfo? made = null;
        try
        {
            made = await PerformAsync(booking, work, ct);
            booking.MeetingSynced(work, made);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Meeting {Work} for booking {BookingId} failed (attempt {Attempt})", work, bookingId, booking.MeetingSyncAttempts + 1);
            booking.MeetingSyncFailed(e.Message, now, Backoff(booking.MeetingSyncAttempts));
            if (booking.MeetingSyncAttempts == TellSpecialistAfterAttempts) await notifier.MeetingProblemAsync(booking, ct);
        }
        try
        {
            await db.SaveChangesAsync(ct);
            return booking.MeetingSync == MeetingSync.None;
        }
        catch (DbUpdateConcurrencyException)
        {
            // The booking changed meanwhile (e.g. cancelled): its new work is picked up on the next run.
            // A meeting this run created can't be recorded, so it is removed rather than left orphaned.
            db.ChangeTracker.Clear();
            if (made is not null && made.ExternalId is not null && made.ExternalId != before?.ExternalId)
                await TryDeleteAsync(made, ct);
            return false;
        }
    }

    private async Task<MeetingInfo?> PerformAsync(Booking booking, MeetingSync work, CancellationToken ct)
    {
        if (work == MeetingSync.Delete)
        {
            if (booking.Meeting is { } old) await provider.DeleteAsync(old, ct);
            return null;
        }
        var specialist = await db.Specialists.AsNoTracking().SingleAsync(s => s.Id == booking.SpecialistId, ct);
        var request = new MeetingRequest(booking.Id, $"Consulting session: {specialist.DisplayName} and {booking.CustomerName}",
            booking.Start, booking.End - booking.Start, specialist.TimeZoneId);
        // A meeting made by another provider (e.g. before Zoom was configured) is replaced, not patched.
        return booking.Meeting is { } meeting && meeting.Provider == provider.Name
            ? await provider.UpdateAsync(meeting, request, ct)
            : await provider.CreateAsync(request, ct);
    }

    private async Task TryDeleteAsync(MeetingInfo meeting, CancellationToken ct)
    {
        try
        {
            await provider.DeleteAsync(meeting, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "An unrecorded meeting {MeetingId} could not be removed", meeting.ExternalId);
        }
    }

    private static Duration Backoff(int attemptsSoFar)
    {
        var delay = Duration.FromMinutes(Math.Pow(2, Math.Min(attemptsSoFar, 10)));
        return delay < MaxDelay ? delay : MaxDelay;
    }
}

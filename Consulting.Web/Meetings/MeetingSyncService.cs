using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Meetings;

/// <summary>
/// Tells the meeting provider what a booking needs (create / move / delete its meeting), as stored
/// on the booking, claiming that work through <see cref="WorkRunner"/>. A provider failure never
/// touches the booking itself: the work is retried with back-off, and after a few failures the
/// specialist is told (<see cref="Booking.TellSpecialistAfterMeetingFailures"/>).
/// </summary>
public sealed class MeetingSyncService(
    AppDbContext db,
    WorkRunner runner,
    IMeetingProvider provider,
    IClock clock,
    ILogger<MeetingSyncService> log) : IWorkKind<Booking, Guid>
{
    /// <summary>The booking's meeting work, leased in columns of its own; retried 1, 2, 4 … minutes apart, at most hourly, until it works.</summary>
    public static readonly WorkTable<Booking, Guid> Table = new(
        "Meeting sync", b => b.Id, b => b.MeetingSync != MeetingSync.None, b => b.MeetingSyncDueAt, b => b.MeetingSyncAttempts,
        new RetryPolicy(Duration.FromMinutes(1), Duration.FromHours(1)),
        ownerColumn: "MeetingSyncLeaseOwner", untilColumn: "MeetingSyncLeaseUntil");

    WorkTable<Booking, Guid> IWorkKind<Booking, Guid>.Table => Table;

    public Task<int> RunDueAsync(CancellationToken ct) => runner.RunDueAsync(this, ct);

    /// <summary>Does one booking's pending meeting work now if it is due and nobody else is doing it; true when it is done.</summary>
    public async Task<bool> SyncAsync(Guid bookingId, CancellationToken ct) => await runner.RunIfDueAsync(this, bookingId, ct) == true;

    public async Task<bool> RunAsync(WorkLease<Guid> lease, CancellationToken ct)
    {
        var booking = await db.Bookings.SingleAsync(b => b.Id == lease.Key, ct);
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
            log.LogWarning(e, "Meeting {Work} for booking {BookingId} failed (attempt {Attempt})", work, booking.Id, booking.MeetingSyncAttempts);
            // The third failure tells the specialist (Notifier, as a consequence of MeetingKeepsFailing).
            booking.MeetingSyncFailed(e.Message, clock.GetCurrentInstant(), Table.Retry);
        }
        if (await lease.CompleteAsync(CancellationToken.None)) return booking.MeetingSync == MeetingSync.None;

        // The booking changed meanwhile (e.g. cancelled): its new work is picked up on the next run.
        // A meeting this run created can't be recorded, so it is removed rather than left orphaned.
        if (made is not null && made.ExternalId is not null && made.ExternalId != before?.ExternalId)
            await TryDeleteAsync(made, CancellationToken.None);
        return false;
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
}

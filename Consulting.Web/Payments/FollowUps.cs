using Consulting.Web.Meetings;
using Consulting.Web.Jobs;
using Consulting.Web.Notifications;

namespace Consulting.Web.Payments;

/// <summary>
/// What a request may do once its change to a booking is committed: finish that booking's own
/// outside work at once (the meeting link its customer is about to see, the refund just promised)
/// and wake the background workers for the emails. It never runs other bookings' work: that is
/// the workers' job. Whatever fails stays recorded for them, with back-off.
/// </summary>
public sealed class FollowUps(
    MeetingSyncService meetings,
    RefundJobs refunds,
    Coravel.Queuing.Interfaces.IQueue queue,
    Microsoft.Extensions.Options.IOptions<JobsOptions> options,
    ILogger<FollowUps> log)
{
    public async Task ForBookingAsync(Guid bookingId, CancellationToken ct)
    {
        try
        {
            await meetings.SyncAsync(bookingId, ct);
            await refunds.RunForBookingAsync(bookingId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The request that triggered this already succeeded; the workers will pick the work up.
            log.LogWarning(e, "Follow-up work of booking {BookingId} failed; it stays queued for the background workers", bookingId);
        }
        // The emails about the change go out now rather than at the next sweep.
        SendNotificationsSoon();
    }

    /// <summary>Messages just recorded go out now rather than at the next sweep.</summary>
    public void SendNotificationsSoon()
    {
        if (options.Value.RunInBackground) queue.QueueInvocable<DispatchNotifications>();
    }
}

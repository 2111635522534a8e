using Consulting.Web.Meetings;
using Consulting.Web.Payments;

namespace Consulting.Web.Jobs;

/// <summary>
/// Work that a committed change leaves behind for outside services (meeting provider, refunds).
/// Pages run it right after their change, outside any transaction, so the customer usually sees
/// the result at once; whatever fails stays recorded and the every-minute job retries it.
/// </summary>
public sealed class FollowUps(
    MeetingSyncService meetings,
    RefundJobs refunds,
    Coravel.Queuing.Interfaces.IQueue queue,
    Microsoft.Extensions.Options.IOptions<JobsOptions> options,
    ILogger<FollowUps> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await meetings.RunDueAsync(ct);
            await refunds.RunDueAsync(ct);
            SendNotificationsSoon();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The request that triggered this already succeeded; the job will pick the work up.
            log.LogWarning(e, "Follow-up work failed; it stays queued for the background job");
        }
    }

    /// <summary>Messages just recorded go out now rather than at the next minute's sweep.</summary>
    public void SendNotificationsSoon()
    {
        if (options.Value.RunInBackground) queue.QueueInvocable<DispatchNotifications>();
    }
}

using Coravel.Invocable;

namespace Consulting.Web.Meetings;

// Coravel runs these on every instance: each sweep (every 15 seconds, or woken through the queue)
// claims what the database says is due, so every row and every scheduled turn is done by one instance.

/// <summary>Meeting-provider work that is due (new, or retrying after a failure).</summary>
public sealed class RunMeetingSync(MeetingSyncService meetings) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => meetings.RunDueAsync(CancellationToken);
}

using Coravel.Invocable;

namespace Consulting.Web.Jobs;

/// <summary>Runs due generation jobs: woken by a saved availability change for a prompt start, and swept every minute.</summary>
public sealed class RunGenerationJobs(GenerationJobs jobs) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => jobs.RunDueAsync(CancellationToken);
}

/// <summary>Nightly: reconciles every schedule to its horizon (<c>Scheduling:HorizonDays</c> unless the specialist set their own), so it rolls on.</summary>
public sealed class KeepSchedulesGenerated(GenerationJobs jobs) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        if (await jobs.QueueHorizonAsync("nightly", CancellationToken) > 0) await jobs.RunDueAsync(CancellationToken);
    }
}

/// <summary>Every minute: unpaid holds past their end release their slots.</summary>
public sealed class ReleaseExpiredHolds(Bookings.HoldExpiry expiry) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => expiry.ReleaseExpiredAsync(CancellationToken);
}

/// <summary>Every minute: meeting-provider work and refunds that are due (new, or retrying after a failure).</summary>
public sealed class RunFollowUps(FollowUps followUps) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => followUps.RunAsync(CancellationToken);
}

/// <summary>Every minute (and woken after changes): record due reminders, then send what the outbox holds.</summary>
public sealed class DispatchNotifications(Notifications.Reminders reminders, Notifications.OutboxDispatcher dispatcher)
    : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        await reminders.RecordDueAsync(CancellationToken);
        await dispatcher.RunDueAsync(CancellationToken);
    }
}

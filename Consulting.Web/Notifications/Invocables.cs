using Consulting.Web.Jobs;
using Coravel.Invocable;
using Coravel.Queuing.Interfaces;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Notifications;

// Coravel runs these on every instance: each sweep (every 15 seconds, or woken through the queue)
// claims what the database says is due, so every row and every scheduled turn is done by one instance.

/// <summary>Sends what the outbox holds: woken after changes, and swept.</summary>
public sealed class DispatchNotifications(OutboxDispatcher dispatcher) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => dispatcher.RunDueAsync(CancellationToken);
}

/// <summary>Every 15 seconds, by one instance: records the reminders that came due, and wakes the dispatcher.</summary>
public sealed class RecordReminders(ScheduledTasks tasks, Reminders reminders, IQueue queue, IOptions<JobsOptions> options)
    : IInvocable, ICancellableInvocable
{
    public const string TaskName = "reminders";
    public static readonly TaskSchedule Schedule = new TaskSchedule.Every(Duration.FromSeconds(15));

    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => tasks.RunIfDueAsync(TaskName, Schedule, async ct =>
    {
        if (await reminders.RecordDueAsync(ct) > 0 && options.Value.RunInBackground) queue.QueueInvocable<DispatchNotifications>();
    }, CancellationToken);
}

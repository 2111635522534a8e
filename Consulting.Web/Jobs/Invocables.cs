using Coravel.Invocable;
using Coravel.Queuing.Interfaces;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Jobs;

// Coravel runs these on every instance: each sweep (every 15 seconds, or woken through the queue)
// claims what the database says is due, so every row and every scheduled turn is done by one instance.

/// <summary>Runs due generation jobs: woken by a saved availability change for a prompt start, and swept.</summary>
public sealed class RunGenerationJobs(GenerationJobs jobs) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => jobs.RunDueAsync(CancellationToken);
}

/// <summary>Sends what the outbox holds: woken after changes, and swept.</summary>
public sealed class DispatchNotifications(Notifications.OutboxDispatcher dispatcher) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => dispatcher.RunDueAsync(CancellationToken);
}

/// <summary>Meeting-provider work that is due (new, or retrying after a failure).</summary>
public sealed class RunMeetingSync(Meetings.MeetingSyncService meetings) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => meetings.RunDueAsync(CancellationToken);
}

/// <summary>Refunds that are due (new, or retrying after a failure).</summary>
public sealed class RunRefunds(Payments.RefundJobs refunds) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => refunds.RunDueAsync(CancellationToken);
}

/// <summary>Every 15 seconds, by one instance: unpaid holds past their end release their slots.</summary>
public sealed class ReleaseExpiredHolds(ScheduledTasks tasks, Bookings.HoldExpiry expiry) : IInvocable, ICancellableInvocable
{
    public const string TaskName = "hold-expiry";
    public static readonly TaskSchedule Schedule = new TaskSchedule.Every(Duration.FromSeconds(15));

    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => tasks.RunIfDueAsync(TaskName, Schedule, ct => expiry.ReleaseExpiredAsync(ct), CancellationToken);
}

/// <summary>Every 15 seconds, by one instance: records the reminders that came due, and wakes the dispatcher.</summary>
public sealed class RecordReminders(ScheduledTasks tasks, Notifications.Reminders reminders, IQueue queue, IOptions<JobsOptions> options)
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

/// <summary>
/// Nightly at 02:00 UTC, by one instance: reconciles every schedule to its horizon (<c>Scheduling:HorizonDays</c>
/// unless the specialist set their own), so it rolls on. The night's jobs are queued in one transaction
/// with the task's "done tonight", so they are queued once.
/// </summary>
public sealed class KeepSchedulesGenerated(ScheduledTasks tasks, GenerationJobs jobs) : IInvocable, ICancellableInvocable
{
    public const string TaskName = "horizon";
    public static readonly TaskSchedule Schedule = new TaskSchedule.DailyAt(new LocalTime(2, 0));

    public CancellationToken CancellationToken { get; set; }

    public async Task Invoke()
    {
        var queued = 0;
        if (await tasks.RunIfDueAsync(TaskName, Schedule, async ct => queued = await jobs.AddHorizonAsync("nightly", ct), CancellationToken) && queued > 0)
            await jobs.RunDueAsync(CancellationToken);
    }
}

/// <summary>The specialists' own calendars whose refresh (<c>ExternalCalendars:RefreshMinutes</c>) is due, each synced by one instance.</summary>
public sealed class SyncExternalCalendars(Calendar.ExternalCalendarSync calendars) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => calendars.RunDueAsync(CancellationToken);
}

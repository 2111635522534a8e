using Consulting.Web.Jobs;
using Coravel.Invocable;
using NodaTime;

namespace Consulting.Web.Scheduling;

// Coravel runs these on every instance: each sweep (every 15 seconds, or woken through the queue)
// claims what the database says is due, so every row and every scheduled turn is done by one instance.

/// <summary>Runs due generation jobs: woken by a saved availability change for a prompt start, and swept.</summary>
public sealed class RunGenerationJobs(GenerationJobs jobs) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => jobs.RunDueAsync(CancellationToken);
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

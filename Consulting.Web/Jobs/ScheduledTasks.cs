using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Jobs;

/// <summary>When a periodic task runs next.</summary>
public abstract record TaskSchedule
{
    /// <summary>The first run of a task that has never run.</summary>
    public abstract Instant First(Instant now);

    /// <summary>The run after one that started at <paramref name="started"/>.</summary>
    public abstract Instant Next(Instant started);

    /// <summary>Every <paramref name="Interval"/>, starting at once.</summary>
    public sealed record Every(Duration Interval) : TaskSchedule
    {
        public override Instant First(Instant now) => now;
        public override Instant Next(Instant started) => started + Interval;
    }

    /// <summary>Once a day at <paramref name="TimeUtc"/> (UTC), starting with the next one (or this very one).</summary>
    public sealed record DailyAt(LocalTime TimeUtc) : TaskSchedule
    {
        public override Instant First(Instant now) => Today(now) >= now ? Today(now) : Today(now) + Duration.FromDays(1);

        public override Instant Next(Instant started) => Today(started) > started ? Today(started) : Today(started) + Duration.FromDays(1);

        private Instant Today(Instant at) => at.InUtc().Date.At(TimeUtc).InUtc().ToInstant();
    }
}

/// <summary>
/// Periodic work that one instance does per period, however many run: each task is a
/// <see cref="ScheduledTask"/> row claimed through <see cref="WorkRunner"/> like any queue's row.
/// The instance that claims a due row runs the task and moves its next run on, in one transaction
/// with whatever the task left tracked (so "queue tonight's horizon" and "tonight's run is done"
/// commit together); the others find it held or not due. The task's own writes stay conditional
/// (or unique), so even a run repeated after a lost lease has the same effect.
/// </summary>
public sealed class ScheduledTasks(AppDbContext db, WorkRunner runner, IClock clock, ILogger<ScheduledTasks> log)
{
    public static readonly WorkTable<ScheduledTask, string> Table = new(
        "Scheduled task", t => t.Name, t => true, t => t.NextRunAt, t => t.Attempts,
        new RetryPolicy(Duration.FromSeconds(15), Duration.FromMinutes(15)));

    /// <summary>
    /// Runs <paramref name="work"/> if the task <paramref name="name"/> is due and no other instance
    /// runs it; true when it ran and succeeded.
    /// </summary>
    public async Task<bool> RunIfDueAsync(string name, TaskSchedule schedule, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        await EnsureAsync(name, schedule, ct);
        return await runner.RunIfDueAsync(new Occurrence(db, name, schedule, work, clock, log), name, ct) == true;
    }

    /// <summary>Creates the task's row the first time; two instances doing so at once insert it once.</summary>
    private async Task EnsureAsync(string name, TaskSchedule schedule, CancellationToken ct)
    {
        if (await db.ScheduledTasks.AnyAsync(t => t.Name == name, ct)) return;
        db.ScheduledTasks.Add(ScheduledTask.Create(name, schedule.First(clock.GetCurrentInstant())));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The key is the name: another instance's insert came first, which is as good as ours.
            db.ChangeTracker.Clear();
            if (!await db.ScheduledTasks.AnyAsync(t => t.Name == name, ct)) throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>One task's turn: the work, then its next run recorded with the work's tracked changes.</summary>
    private sealed class Occurrence(AppDbContext db, string name, TaskSchedule schedule, Func<CancellationToken, Task> work,
        IClock clock, ILogger log) : IWorkKind<ScheduledTask, string>
    {
        public WorkTable<ScheduledTask, string> Table => ScheduledTasks.Table;

        public async Task<bool> RunAsync(WorkLease<string> lease, CancellationToken ct)
        {
            var started = clock.GetCurrentInstant();
            string? error = null;
            try
            {
                await work(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Scheduled task {Task} failed (attempt {Attempt})", name, lease.Attempt);
                error = e.Message;
                db.ChangeTracker.Clear();
            }
            // Loaded after the work, which may have cleared the change tracker.
            var task = await db.ScheduledTasks.SingleAsync(t => t.Name == name, ct);
            if (error is null) task.Ran(started, schedule.Next(started));
            else task.Failed(error, clock.GetCurrentInstant(), Table.Retry);
            return await lease.CompleteAsync(ct) && error is null;
        }
    }
}

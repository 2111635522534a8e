using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Coravel.Queuing.Interfaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Scheduling;

/// <summary>Where a specialist's latest availability change stands, for the editor to show.</summary>
/// <param name="Pending">A reconcile is queued or running: the change isn't applied yet.</param>
/// <param name="Latest">The specialist's latest finished run, if any.</param>
public sealed record ApplyStatus(bool Pending, GenerationJob? Latest)
{
    public bool Failed => !Pending && Latest is { State: JobState.Failed };
}

/// <summary>
/// Slot reconciles as durable jobs: a request is a row first, saved with the change that needs it;
/// <see cref="RunDueAsync"/> claims due rows through <see cref="WorkRunner"/> (one instance per job,
/// its lease renewed while it runs) and runs them.
/// </summary>
public sealed class GenerationJobs(
    AppDbContext db,
    WorkRunner runner,
    SlotGenerator generator,
    IQueue queue,
    IClock clock,
    OfferRules offerRules,
    IOptions<SchedulingOptions> options,
    IOptions<JobsOptions> jobsOptions,
    ILogger<GenerationJobs> log) : IWorkKind<GenerationJob, Guid>
{
    /// <summary>Generation is idempotent, so a failed or abandoned run is simply tried again, three times at most.</summary>
    public static readonly WorkTable<GenerationJob, Guid> Table = new(
        "Generation job", j => j.Id, j => j.State == JobState.Queued || j.State == JobState.Running, j => j.NextAttemptAt, j => j.Attempts,
        new RetryPolicy(Duration.FromMinutes(1), Duration.FromMinutes(10), MaxAttempts: 3))
    {
        OnClaim = (s, now) => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.StartedAt, now),
    };

    WorkTable<GenerationJob, Guid> IWorkKind<GenerationJob, Guid>.Table => Table;

    /// <summary>
    /// Adds a reconcile of <paramref name="schedule"/>'s specialist to the context, to be saved in the
    /// same transaction as the change that needs it (then <see cref="Wake"/>). A reconcile that is
    /// queued and not yet running covers the change already: it reads the schedule when it runs.
    /// </summary>
    public async Task StageReconcileAsync(AvailabilitySchedule schedule, string origin, CancellationToken ct)
    {
        var specialistId = schedule.SpecialistId;
        if (await db.GenerationJobs.AnyAsync(j => j.SpecialistId == specialistId && j.State == JobState.Queued, ct)) return;
        db.GenerationJobs.Add(NewReconcile(specialistId, schedule.TimeZoneId, schedule.HorizonDays, origin));
    }

    /// <summary>Queues a reconcile on its own (the specialist asks again after a failed one).</summary>
    public async Task QueueReconcileAsync(Guid specialistId, string origin, CancellationToken ct)
    {
        var schedule = await db.Schedules.AsNoTracking().SingleAsync(s => s.SpecialistId == specialistId, ct);
        await StageReconcileAsync(schedule, origin, ct);
        await db.SaveChangesAsync(ct);
        Wake();
    }

    /// <summary>A reconcile from today to the horizon (its range is worked out again when it runs).</summary>
    private GenerationJob NewReconcile(Guid specialistId, string timeZoneId, int? horizonDays, string origin)
    {
        var now = clock.GetCurrentInstant();
        var zone = TimeZones.Get(timeZoneId);
        var from = now.InZone(zone).Date;
        var to = (now + Duration.FromDays(horizonDays ?? offerRules.SiteDefaults.HorizonDays)).InZone(zone).Date;
        // A year of 24-hour days can end a date later than the calendar says when a clock change lies between.
        var longest = from.PlusDays(options.Value.MaxRangeDays - 1);
        return GenerationJob.Queue(specialistId, from, to < longest ? to : longest, overwrite: true, origin, options.Value.MaxRangeDays, now);
    }

    public async Task<ApplyStatus> StatusAsync(Guid specialistId, CancellationToken ct)
    {
        var mine = db.GenerationJobs.AsNoTracking().Where(j => j.SpecialistId == specialistId);
        var pending = await mine.AnyAsync(j => j.State == JobState.Queued || j.State == JobState.Running, ct);
        var succeeded = await mine.Where(j => j.State == JobState.Succeeded).OrderByDescending(j => j.FinishedAt).FirstOrDefaultAsync(ct);
        var failed = await mine.Where(j => j.State == JobState.Failed).OrderByDescending(j => j.FinishedAt).FirstOrDefaultAsync(ct);
        // A success at the same moment as a failure came after it (a retry): only a later failure counts.
        return new ApplyStatus(pending, failed is not null && (succeeded is null || failed.FinishedAt > succeeded.FinishedAt) ? failed : succeeded);
    }

    /// <summary>Asks the background runner to look for due jobs now rather than at its next sweep.</summary>
    public void Wake()
    {
        if (jobsOptions.Value.RunInBackground) queue.QueueInvocable<RunGenerationJobs>();
    }

    /// <summary>Runs every due job once; returns how many succeeded.</summary>
    public Task<int> RunDueAsync(CancellationToken ct) => runner.RunDueAsync(this, ct);

    public async Task<bool> RunAsync(WorkLease<Guid> lease, CancellationToken ct)
    {
        var job = await db.GenerationJobs.SingleAsync(j => j.Id == lease.Key, ct);
        try
        {
            var result = job.Overwrite
                ? await generator.ReconcileAsync(job.SpecialistId, ct)
                : await generator.GenerateAsync(job.SpecialistId, job.From, job.To, overwrite: false, ct);
            job.Succeed(result.From, result.To, result.Created, result.Unchanged, result.Removed, result.SkippedOverlaps,
                result.Conflicts.Count, clock.GetCurrentInstant());
            log.LogInformation("Generation job {JobId} for {SpecialistId}: {Created} created, {Removed} removed, {Skipped} starts skipped",
                job.Id, job.SpecialistId, result.Created, result.Removed, result.SkippedOverlaps);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Generation job {JobId} failed (attempt {Attempt})", job.Id, job.Attempts);
            db.ChangeTracker.Clear();
            job = await db.GenerationJobs.SingleAsync(j => j.Id == lease.Key, ct);
            job.Fail(e is DomainException ? e.Message : "Slot generation failed; it will be retried.", clock.GetCurrentInstant(), Table.Retry);
        }
        return await lease.CompleteAsync(ct) && job.State == JobState.Succeeded;
    }

    /// <summary>Every schedule reconciled from today to its horizon (for the demo data).</summary>
    public async Task<int> QueueHorizonAsync(string origin, CancellationToken ct)
    {
        var queued = await AddHorizonAsync(origin, ct);
        await db.SaveChangesAsync(ct);
        return queued;
    }

    /// <summary>
    /// Adds (unsaved) a reconcile per schedule from its today to its horizon, so the nightly task
    /// saves them in one transaction with its own "done for tonight": the horizon rolls on, and free
    /// slots are in line with each schedule whatever happened since. A specialist with a reconcile
    /// already queued is covered by it.
    /// </summary>
    public async Task<int> AddHorizonAsync(string origin, CancellationToken ct)
    {
        var schedules = await db.Schedules.AsNoTracking()
            .Select(s => new { s.SpecialistId, s.TimeZoneId, s.HorizonDays }).ToListAsync(ct);
        var queued = (await db.GenerationJobs.Where(j => j.State == JobState.Queued).Select(j => j.SpecialistId).ToListAsync(ct)).ToHashSet();
        foreach (var s in schedules.Where(s => !queued.Contains(s.SpecialistId)))
            db.GenerationJobs.Add(NewReconcile(s.SpecialistId, s.TimeZoneId, s.HorizonDays, origin));
        return schedules.Count;
    }
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Coravel.Queuing.Interfaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Jobs;

/// <summary>
/// Slot generation as durable jobs: a request is a row first; <see cref="RunDueAsync"/> claims due
/// rows through <see cref="WorkRunner"/> (one instance per job, its lease renewed while it runs)
/// and runs them.
/// </summary>
public sealed class GenerationJobs(
    AppDbContext db,
    WorkRunner runner,
    SlotGenerator generator,
    IQueue queue,
    IClock clock,
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

    public async Task<GenerationJob> QueueAsync(Guid specialistId, LocalDate from, LocalDate to, bool overwrite, string origin, CancellationToken ct)
    {
        var job = GenerationJob.Queue(specialistId, from, to, overwrite, origin, options.Value.MaxRangeDays, clock.GetCurrentInstant());
        db.GenerationJobs.Add(job);
        await db.SaveChangesAsync(ct);
        Wake();
        return job;
    }

    /// <summary>Asks the background runner to look for due jobs now rather than at its next sweep.</summary>
    public void Wake()
    {
        if (jobsOptions.Value.RunInBackground) queue.QueueInvocable<RunGenerationJobs>();
    }

    public Task<List<GenerationJob>> RecentAsync(Guid specialistId, int count, CancellationToken ct) =>
        db.GenerationJobs.AsNoTracking()
            .Where(j => j.SpecialistId == specialistId)
            .OrderByDescending(j => j.CreatedAt)
            .Take(count)
            .ToListAsync(ct);

    /// <summary>Runs every due job once; returns how many succeeded.</summary>
    public Task<int> RunDueAsync(CancellationToken ct) => runner.RunDueAsync(this, ct);

    public async Task<bool> RunAsync(WorkLease<Guid> lease, CancellationToken ct)
    {
        var job = await db.GenerationJobs.SingleAsync(j => j.Id == lease.Key, ct);
        try
        {
            var result = await generator.GenerateAsync(job.SpecialistId, job.From, job.To, job.Overwrite, ct);
            job.Succeed(result.Created, result.Unchanged, result.Removed, result.SkippedOverlaps, result.Conflicts.Count, clock.GetCurrentInstant());
            log.LogInformation("Generation job {JobId} for {SpecialistId}: {Created} created, {Removed} removed",
                job.Id, job.SpecialistId, result.Created, result.Removed);
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

    /// <summary>Every active schedule generated from today to the horizon (for the demo data).</summary>
    public async Task<int> QueueHorizonAsync(string origin, CancellationToken ct)
    {
        var queued = await AddHorizonAsync(origin, ct);
        await db.SaveChangesAsync(ct);
        return queued;
    }

    /// <summary>
    /// Adds (unsaved) a job per active schedule from its today to the horizon, so the nightly task
    /// saves them in one transaction with its own "done for tonight".
    /// </summary>
    public async Task<int> AddHorizonAsync(string origin, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var schedules = await db.Schedules.AsNoTracking().Where(s => s.IsActive)
            .Select(s => new { s.SpecialistId, s.TimeZoneId }).ToListAsync(ct);
        foreach (var s in schedules)
        {
            var today = now.InZone(TimeZones.Get(s.TimeZoneId)).Date;
            db.GenerationJobs.Add(GenerationJob.Queue(s.SpecialistId, today, today.PlusDays(options.Value.HorizonDays),
                overwrite: false, origin, options.Value.MaxRangeDays, now));
        }
        return schedules.Count;
    }
}

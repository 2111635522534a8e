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
/// rows with a conditional update (so two runners never run one job) and runs them.
/// </summary>
public sealed class GenerationJobs(
    AppDbContext db,
    SlotGenerator generator,
    IQueue queue,
    IClock clock,
    IOptions<SchedulingOptions> options,
    IOptions<JobsOptions> jobsOptions,
    ILogger<GenerationJobs> log)
{
    /// <summary>A crashed run is retried once its lease passes; generation is idempotent, so that's safe.</summary>
    public static readonly Duration Lease = Duration.FromMinutes(10);

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

    /// <summary>Runs every due job once; returns how many it ran.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var ran = 0;
        while (!ct.IsCancellationRequested && await ClaimNextAsync(ct) is { } jobId)
        {
            await RunClaimedAsync(jobId, ct);
            ran++;
        }
        return ran;
    }

    private async Task<Guid?> ClaimNextAsync(CancellationToken ct)
    {
        while (true)
        {
            var now = clock.GetCurrentInstant();
            var candidate = await db.GenerationJobs.AsNoTracking()
                .Where(j => j.State == JobState.Queued || (j.State == JobState.Running && j.LeaseUntil <= now))
                .OrderBy(j => j.CreatedAt)
                .Select(j => (Guid?)j.Id)
                .FirstOrDefaultAsync(ct);
            if (candidate is not { } id) return null;

            // The same condition again, in the write itself: only one runner's update matches.
            var claimed = await db.GenerationJobs
                .Where(j => j.Id == id && (j.State == JobState.Queued || (j.State == JobState.Running && j.LeaseUntil <= now)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, JobState.Running)
                    .SetProperty(j => j.StartedAt, now)
                    .SetProperty(j => j.LeaseUntil, now + Lease)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1), ct);
            if (claimed == 1) return id;
        }
    }

    private async Task RunClaimedAsync(Guid jobId, CancellationToken ct)
    {
        // The claim was a direct UPDATE: drop tracked copies so the row is read as it now is.
        db.ChangeTracker.Clear();
        var job = await db.GenerationJobs.SingleAsync(j => j.Id == jobId, ct);
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
            job = await db.GenerationJobs.SingleAsync(j => j.Id == jobId, ct);
            job.Fail(e is DomainException ? e.Message : "Slot generation failed; it will be retried.", clock.GetCurrentInstant());
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Every active schedule generated from today to the horizon (nightly, and for the demo data).</summary>
    public async Task<int> QueueHorizonAsync(string origin, CancellationToken ct)
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
        await db.SaveChangesAsync(ct);
        return schedules.Count;
    }
}

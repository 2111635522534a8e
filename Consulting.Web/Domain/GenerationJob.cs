using NodaTime;

namespace Consulting.Web.Domain;

public enum JobState
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>
/// A request to bring a specialist's slots in line with their schedule, stored before it runs (in the
/// same transaction as the change that asks for it) so a restart can't lose it. The queue only wakes
/// the runner; this row says what is due (STYLE rule 8). While it runs, an instance holds a lease on
/// it (lease columns kept by the job runner), renewed until it finishes.
/// </summary>
public sealed class GenerationJob
{

    public Guid Id { get; private set; }
    public Guid SpecialistId { get; private set; }
    public LocalDate From { get; private set; }
    public LocalDate To { get; private set; }
    public bool Overwrite { get; private set; }
    /// <summary>"change" (the specialist changed their availability), "retry" (they asked again after a failure), "nightly" (the horizon job), "demo" (seeding) or "calendar" (their own calendars' busy times changed).</summary>
    public string Origin { get; private set; } = "manual";
    public JobState State { get; private set; }
    public int Attempts { get; private set; }
    public Instant CreatedAt { get; private set; }
    public Instant? StartedAt { get; private set; }
    public Instant? FinishedAt { get; private set; }
    /// <summary>When a queued job may start: at once, or after a failed attempt's back-off.</summary>
    public Instant NextAttemptAt { get; private set; }
    public int Created { get; private set; }
    public int Unchanged { get; private set; }
    public int Removed { get; private set; }
    public int SkippedOverlaps { get; private set; }
    public int Conflicts { get; private set; }
    public string? Error { get; private set; }

    public bool IsFinished => State is JobState.Succeeded or JobState.Failed;

    private GenerationJob() { }

    public static GenerationJob Queue(Guid specialistId, LocalDate from, LocalDate to, bool overwrite, string origin,
        int maxRangeDays, Instant now)
    {
        if (to < from) throw new DomainException("The end date must be on or after the start date.", "To");
        if (Period.Between(from, to, PeriodUnits.Days).Days >= maxRangeDays)
            throw new DomainException($"Generate at most {maxRangeDays} days at a time.", "To");
        return new GenerationJob
        {
            Id = Guid.NewGuid(),
            SpecialistId = specialistId,
            From = from,
            To = to,
            Overwrite = overwrite,
            Origin = origin,
            State = JobState.Queued,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    /// <summary>Finished; <paramref name="from"/>–<paramref name="to"/> is the range it covered (the horizon as it was when it ran).</summary>
    public void Succeed(LocalDate from, LocalDate to, int created, int unchanged, int removed, int skippedOverlaps, int conflicts, Instant now)
    {
        if (IsFinished) throw new DomainException("This job has already finished.");
        (From, To) = (from, to);
        (Created, Unchanged, Removed, SkippedOverlaps, Conflicts) = (created, unchanged, removed, skippedOverlaps, conflicts);
        (State, FinishedAt, Error) = (JobState.Succeeded, now, null);
    }

    /// <summary>A failed attempt goes back to the queue for the policy's back-off; once it has no attempts left, it fails for good.</summary>
    public void Fail(string error, Instant now, RetryPolicy retry)
    {
        if (IsFinished) throw new DomainException("This job has already finished.");
        Error = error.Length > 500 ? error[..500] : error;
        if (retry.NextAttempt(Attempts, now) is { } next)
        {
            (State, NextAttemptAt) = (JobState.Queued, next);
        }
        else
        {
            State = JobState.Failed;
            FinishedAt = now;
        }
    }
}

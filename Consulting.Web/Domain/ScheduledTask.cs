using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>
/// A periodic task (hold expiry, reminders, the nightly horizon) as a row: when it is next due, and
/// (in lease columns the job runner keeps) who is running it. Whichever instance claims the row
/// runs that period's turn; the others find it taken or no longer due.
/// </summary>
public sealed class ScheduledTask
{
    public const int MaxNameLength = 50;

    public string Name { get; private set; } = "";
    public Instant NextRunAt { get; private set; }
    /// <summary>Runs started since the last one that succeeded.</summary>
    public int Attempts { get; private set; }
    public Instant? LastRunAt { get; private set; }
    public string? LastError { get; private set; }

    private ScheduledTask() { }

    public static ScheduledTask Create(string name, Instant firstRun)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength) throw new DomainException("A task needs a short name.");
        return new ScheduledTask { Name = name, NextRunAt = firstRun };
    }

    public void Ran(Instant now, Instant next)
    {
        if (next <= now) throw new DomainException("The next run must be in the future.");
        (LastRunAt, NextRunAt, Attempts, LastError) = (now, next, 0, null);
    }

    /// <summary>A periodic task never gives up: it waits as the policy says, then runs again.</summary>
    public void Failed(string error, Instant now, RetryPolicy retry)
    {
        LastError = error.Length > 500 ? error[..500] : error;
        NextRunAt = now + retry.DelayAfter(Math.Max(1, Attempts));
    }
}

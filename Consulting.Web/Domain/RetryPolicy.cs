using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>
/// When failed background work is tried again: <see cref="FirstDelay"/> after the first attempt,
/// doubling with each further one up to <see cref="MaxDelay"/>; after <see cref="MaxAttempts"/>
/// attempts it stops (0: it never stops). One policy type for every queue, each with its own figures.
/// </summary>
public sealed record RetryPolicy(Duration FirstDelay, Duration MaxDelay, int MaxAttempts = 0)
{
    /// <summary>How long to wait after the <paramref name="attempts"/>-th attempt failed.</summary>
    public Duration DelayAfter(int attempts)
    {
        var delay = FirstDelay * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        return delay < MaxDelay ? delay : MaxDelay;
    }

    public bool IsExhausted(int attempts) => MaxAttempts > 0 && attempts >= MaxAttempts;

    /// <summary>When to try again after <paramref name="attempts"/> failed attempts; null when none are left.</summary>
    public Instant? NextAttempt(int attempts, Instant now) => IsExhausted(attempts) ? null : now + DelayAfter(attempts);
}

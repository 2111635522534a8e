using NodaTime;

namespace Consulting.Web.Jobs;

/// <summary>
/// One claim on one work row: <see cref="Owner"/> (unique to this claim) holds the row until
/// <see cref="Until"/>, which the runner pushes forward while the work runs. If the instance dies,
/// renewals stop and the row is free again once <see cref="Until"/> has passed.
/// </summary>
public sealed class WorkLease<TKey> where TKey : notnull
{
    private readonly Func<WorkLease<TKey>, CancellationToken, Task<bool>> _complete;

    internal WorkLease(TKey key, string owner, int attempt, Instant until, Func<WorkLease<TKey>, CancellationToken, Task<bool>> complete)
    {
        (Key, Owner, Attempt, Until, _complete) = (key, owner, attempt, until, complete);
    }

    public TKey Key { get; }
    public string Owner { get; }
    /// <summary>The row's attempt count after this claim: 1 for its first try.</summary>
    public int Attempt { get; }
    public Instant Until { get; internal set; }

    /// <summary>Set while the outcome is being saved, so a renewal that finds the lease gone doesn't call it lost.</summary>
    internal bool Completing { get; set; }
    /// <summary>The outcome is saved or the lease given back: nothing of this claim is left to clean up.</summary>
    internal bool Finished { get; set; }

    /// <summary>
    /// Saves the work's outcome (the tracked changes of the runner's DbContext) and gives the lease
    /// back, in one transaction — only while this claim still holds the row and its work wasn't reset
    /// meanwhile. False when it didn't: nothing is saved, and whoever holds the row now does the work.
    /// </summary>
    public Task<bool> CompleteAsync(CancellationToken ct) => _complete(this, ct);
}

using Consulting.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Jobs;

/// <summary>Names this app instance in the leases it takes, one owner value per claim.</summary>
public sealed class WorkerInstance
{
    private long _claims;

    public string Name { get; } =
        $"{(Environment.MachineName.Length > 40 ? Environment.MachineName[..40] : Environment.MachineName)}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public string NewOwner() => $"{Name}/{Interlocked.Increment(ref _claims)}";
}

/// <summary>
/// The one claim / lease / back-off mechanism of every background queue. A due row is claimed with
/// one conditional UPDATE (due, nobody holds it, attempts as read) that sets a lease owner and
/// expiry and counts the attempt; whoever's UPDATE matched the row won. While the work runs the lease
/// is renewed every third of its length; the outcome is saved only while the lease is still held
/// (<see cref="WorkLease{TKey}.CompleteAsync"/>). A killed instance stops renewing, so its rows are
/// claimable again once their lease runs out; an instance that stops gracefully gives them back at once.
/// </summary>
/// <remarks>
/// Uses the scope's <see cref="AppDbContext"/>, which the work kinds share: their tracked changes are
/// what a completion saves. Renewals run beside the work on a DbContext of their own.
/// </remarks>
public sealed class WorkRunner(
    AppDbContext db,
    IServiceScopeFactory scopes,
    WorkerInstance instance,
    IClock clock,
    IOptions<JobsOptions> options,
    ILogger<WorkRunner> log)
{
    private const int Batch = 20;
    /// <summary>How often (real time) a running claim checks whether its lease needs renewing by the app's clock.</summary>
    private static readonly TimeSpan RenewCheck = TimeSpan.FromSeconds(1);

    public Duration Lease => options.Value.Lease;

    /// <summary>Runs every due row of <paramref name="kind"/> once; returns how many succeeded.</summary>
    public async Task<int> RunDueAsync<T, TKey>(IWorkKind<T, TKey> kind, CancellationToken ct) where T : class where TKey : notnull
    {
        var succeeded = 0;
        var tried = new HashSet<TKey>();
        while (!ct.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            var now = clock.GetCurrentInstant();
            var due = await db.Set<T>().AsNoTracking().Where(kind.Table.Claimable(now)).OrderBy(kind.Table.DueAt)
                .Select(kind.Table.Candidate).Take(Batch).ToListAsync(ct);
            // A row is tried once per run, even if its failure left it due at once.
            var fresh = due.Where(c => tried.Add(c.Key)).ToList();
            foreach (var candidate in fresh)
            {
                if (ct.IsCancellationRequested) break;
                if (await ClaimAsync(kind.Table, candidate, ct) is { } lease && await RunClaimedAsync(kind, lease, ct)) succeeded++;
            }
            if (fresh.Count == 0 || due.Count < Batch) break;
        }
        return succeeded;
    }

    /// <summary>
    /// Runs one row's work now if it is due and nobody holds it (e.g. a request finishing its own
    /// booking's step). Null when it wasn't claimed; otherwise whether the work succeeded.
    /// </summary>
    public async Task<bool?> RunIfDueAsync<T, TKey>(IWorkKind<T, TKey> kind, TKey key, CancellationToken ct) where T : class where TKey : notnull
    {
        var lease = await ClaimAsync(kind.Table, key, ct);
        return lease is null ? null : await RunClaimedAsync(kind, lease, ct);
    }

    /// <summary>Claims one row if it is due and nobody holds it; null when it isn't, or another claim won.</summary>
    public async Task<WorkLease<TKey>?> ClaimAsync<T, TKey>(WorkTable<T, TKey> table, TKey key, CancellationToken ct) where T : class where TKey : notnull
    {
        db.ChangeTracker.Clear();
        var candidate = await db.Set<T>().AsNoTracking().Where(table.ClaimableRow(key, clock.GetCurrentInstant()))
            .Select(table.Candidate).SingleOrDefaultAsync(ct);
        return candidate is null ? null : await ClaimAsync(table, candidate, ct);
    }

    /// <summary>Claims the row as <paramref name="candidate"/> saw it; null if anything changed since (internal: tests replay a stale read).</summary>
    internal async Task<WorkLease<TKey>?> ClaimAsync<T, TKey>(WorkTable<T, TKey> table, WorkCandidate<TKey> candidate, CancellationToken ct)
        where T : class where TKey : notnull
    {
        var now = clock.GetCurrentInstant();
        var owner = instance.NewOwner();
        var until = now + Lease;
        // The whole decision is in this one statement's WHERE: of any number of claimers, one matches.
        var won = await db.Set<T>().Where(table.ClaimableAt(candidate, now)).ExecuteUpdateAsync(s =>
        {
            s.SetProperty(table.Owner, owner);
            s.SetProperty(table.Until, until);
            s.SetProperty(table.Attempts, table.NextAttempt);
            table.OnClaim?.Invoke(s, now);
        }, ct);
        return won == 1
            ? new WorkLease<TKey>(candidate.Key, owner, candidate.Attempts + 1, until, (lease, c) => CompleteAsync(table, lease, c))
            : null;
    }

    /// <summary>Pushes the lease forward; false when the claim no longer holds the row.</summary>
    public Task<bool> RenewAsync<T, TKey>(WorkTable<T, TKey> table, WorkLease<TKey> lease, CancellationToken ct) where T : class where TKey : notnull =>
        RenewAsync(db, table, lease, ct);

    private async Task<bool> RenewAsync<T, TKey>(AppDbContext context, WorkTable<T, TKey> table, WorkLease<TKey> lease, CancellationToken ct)
        where T : class where TKey : notnull
    {
        var until = clock.GetCurrentInstant() + Lease;
        var held = await context.Set<T>().Where(table.HeldBy(lease.Key, lease.Owner))
            .ExecuteUpdateAsync(s => s.SetProperty(table.Until, until), ct) == 1;
        if (held) lease.Until = until;
        return held;
    }

    /// <summary>
    /// Gives the row back while this claim holds it: free at once, or from <paramref name="notBefore"/>
    /// (a back-off that holds even though the row's own due time says otherwise).
    /// </summary>
    public async Task ReleaseAsync<T, TKey>(WorkTable<T, TKey> table, WorkLease<TKey> lease, Instant? notBefore, CancellationToken ct)
        where T : class where TKey : notnull
    {
        await db.Set<T>().Where(table.HeldBy(lease.Key, lease.Owner)).ExecuteUpdateAsync(s =>
        {
            s.SetProperty(table.Owner, (string?)null);
            s.SetProperty(table.Until, notBefore);
        }, ct);
        lease.Finished = true;
    }

    private async Task<bool> CompleteAsync<T, TKey>(WorkTable<T, TKey> table, WorkLease<TKey> lease, CancellationToken ct)
        where T : class where TKey : notnull
    {
        lease.Completing = true;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // The first write of the transaction: while it holds the row (or SQLite's write lock) the
            // outcome below can't race another claim.
            var held = await db.Set<T>().Where(table.HeldAt(lease.Key, lease.Owner, lease.Attempt)).ExecuteUpdateAsync(s =>
            {
                s.SetProperty(table.Owner, (string?)null);
                s.SetProperty(table.Until, (Instant?)null);
            }, ct);
            if (held == 1)
            {
                try
                {
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                    lease.Finished = true;
                    return true;
                }
                catch (DbUpdateConcurrencyException)
                {
                    // A change to the same entity won a concurrency check (e.g. a booking cancelled meanwhile).
                }
            }
            await tx.RollbackAsync(CancellationToken.None);
        }
        db.ChangeTracker.Clear();
        log.LogInformation("{Kind} {Key}: the work changed or another instance took it over; this outcome is not saved",
            table.Kind, lease.Key);
        // If the row is still ours (its work was reset meanwhile), its new work can start at once.
        await ReleaseAsync(table, lease, null, CancellationToken.None);
        return false;
    }

    private async Task<bool> RunClaimedAsync<T, TKey>(IWorkKind<T, TKey> kind, WorkLease<TKey> lease, CancellationToken ct)
        where T : class where TKey : notnull
    {
        db.ChangeTracker.Clear();
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var stopKeeping = new CancellationTokenSource();
        var keeper = KeepAsync(kind.Table, lease, lost, stopKeeping.Token);
        try
        {
            var succeeded = await kind.RunAsync(lease, lost.Token);
            if (!succeeded) CountFailure(kind.Table.Kind);
            if (!lease.Finished)
            {
                log.LogError("{Kind} {Key} ended without recording its outcome", kind.Table.Kind, lease.Key);
                await ReleaseAsync(kind.Table, lease, BackOff(kind.Table, lease), CancellationToken.None);
            }
            return succeeded;
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            // The host is stopping, or the lease went to another instance: if it is still ours, it
            // goes back at once so the next instance starts without waiting for it to run out.
            db.ChangeTracker.Clear();
            if (!lease.Finished) await ReleaseAsync(kind.Table, lease, null, CancellationToken.None);
            if (ct.IsCancellationRequested) throw;
            return false;
        }
        catch (Exception e)
        {
            log.LogError(e, "{Kind} {Key} failed unexpectedly (attempt {Attempt})", kind.Table.Kind, lease.Key, lease.Attempt);
            CountFailure(kind.Table.Kind);
            db.ChangeTracker.Clear();
            if (!lease.Finished) await ReleaseAsync(kind.Table, lease, BackOff(kind.Table, lease), CancellationToken.None);
            return false;
        }
        finally
        {
            await stopKeeping.CancelAsync();
            await keeper;
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The job-failures metric, tagged with the kind of work (every queue runs through here).</summary>
    private static void CountFailure(string kind) =>
        AppTelemetry.JobFailures.Add(1, new KeyValuePair<string, object?>("job", kind));

    private Instant BackOff<T, TKey>(WorkTable<T, TKey> table, WorkLease<TKey> lease) where T : class where TKey : notnull =>
        clock.GetCurrentInstant() + table.Retry.DelayAfter(lease.Attempt);

    /// <summary>
    /// Renews the lease every third of its length (by the app's clock) until the work ends; if the
    /// row turns out to be someone else's, cancels the work through <paramref name="lost"/>.
    /// </summary>
    private async Task KeepAsync<T, TKey>(WorkTable<T, TKey> table, WorkLease<TKey> lease, CancellationTokenSource lost, CancellationToken stop)
        where T : class where TKey : notnull
    {
        var renewedAt = clock.GetCurrentInstant();
        try
        {
            while (true)
            {
                await Task.Delay(RenewCheck, stop);
                var now = clock.GetCurrentInstant();
                if (now - renewedAt < Lease / 3) continue;
                bool held;
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    held = await RenewAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), table, lease, stop);
                }
                catch (Exception e) when (e is not (OperationCanceledException or ObjectDisposedException))
                {
                    log.LogWarning(e, "Could not renew the lease on {Kind} {Key}; trying again", table.Kind, lease.Key);
                    continue;
                }
                if (held)
                {
                    renewedAt = now;
                    continue;
                }
                if (!lease.Completing)
                {
                    log.LogWarning("{Kind} {Key}: the lease was lost to another instance; stopping this run", table.Kind, lease.Key);
                    await lost.CancelAsync();
                }
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // The work ended.
        }
        catch (ObjectDisposedException)
        {
            // The host is gone, as when an instance is killed: renewals stop and the lease runs out.
        }
    }
}

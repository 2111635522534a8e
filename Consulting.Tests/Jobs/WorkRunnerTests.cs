using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Jobs;

/// <summary>
/// The one claim / lease / back-off mechanism, on a real work table (scheduled tasks) through the
/// app's own services. Each scope stands for one runner; the clock is the app's FakeClock.
/// </summary>
public sealed class WorkRunnerTests : IDisposable
{
    private static readonly WorkTable<ScheduledTask, string> Table = ScheduledTasks.Table;
    private static readonly Duration Lease = JobsOptions.DefaultLease;

    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>Work whose middle each test chooses; it then records the task as run, through its lease.</summary>
    private sealed class Probe(AppDbContext db, IClock clock, Func<CancellationToken, Task>? middle = null) : IWorkKind<ScheduledTask, string>
    {
        public WorkTable<ScheduledTask, string> Table => ScheduledTasks.Table;

        public async Task<bool> RunAsync(WorkLease<string> lease, CancellationToken ct)
        {
            if (middle is not null) await middle(ct);
            var task = await db.ScheduledTasks.SingleAsync(t => t.Name == lease.Key, ct);
            var now = clock.GetCurrentInstant();
            task.Ran(now, now + Duration.FromHours(1));
            return await lease.CompleteAsync(ct);
        }
    }

    /// <summary>One runner: a scope of its own, like one instance's job.</summary>
    private sealed class Runner(AsyncServiceScope scope) : IAsyncDisposable
    {
        public WorkRunner Work { get; } = scope.ServiceProvider.GetRequiredService<WorkRunner>();
        public AppDbContext Db { get; } = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        public Task<WorkLease<string>?> ClaimAsync(string name) => Work.ClaimAsync(Table, name, CancellationToken.None);

        public Probe Probe(IClock clock, Func<CancellationToken, Task>? middle = null) => new(Db, clock, middle);

        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }

    private Runner NewRunner() => new(_app.Services.CreateAsyncScope());

    private sealed record Row(string Name, string? Owner, Instant? Until, int Attempts, Instant NextRunAt);

    private Task<Row> RowAsync(string name) => _app.WithDbAsync(db => db.ScheduledTasks.AsNoTracking().Where(t => t.Name == name)
        .Select(t => new Row(t.Name, EF.Property<string?>(t, WorkLeaseColumns.Owner), EF.Property<Instant?>(t, WorkLeaseColumns.Until), t.Attempts, t.NextRunAt))
        .SingleAsync());

    private Task AddDueAsync(params string[] names) => _app.WithDbAsync(db =>
    {
        foreach (var name in names) db.ScheduledTasks.Add(ScheduledTask.Create(name, _app.Clock.GetCurrentInstant()));
        return db.SaveChangesAsync();
    });

    private Instant Now => _app.Clock.GetCurrentInstant();

    [Fact]
    public async Task Of_two_claimers_that_read_the_same_due_row_only_the_first_update_wins()
    {
        await AddDueAsync("t");
        await using var first = NewRunner();
        await using var second = NewRunner();
        var seen = await first.Db.ScheduledTasks.AsNoTracking().Where(Table.Claimable(Now)).Select(Table.Candidate).SingleAsync();

        // Both decide from the same read; the claim's WHERE repeats the read's condition.
        var won = await first.Work.ClaimAsync(Table, seen, CancellationToken.None);
        var lost = await second.Work.ClaimAsync(Table, seen, CancellationToken.None);

        Assert.NotNull(won);
        Assert.Null(lost);
        var row = await RowAsync("t");
        Assert.Equal((won.Owner, Now + Lease, 1), (row.Owner, row.Until, row.Attempts));
    }

    [Fact]
    public async Task Runners_claiming_the_same_rows_in_parallel_get_each_row_exactly_once()
    {
        var names = Enumerable.Range(1, 30).Select(i => $"race-{i}").ToArray();
        await AddDueAsync(names);

        async Task<List<WorkLease<string>>> ClaimAllAsync()
        {
            await using var runner = NewRunner();
            var won = new List<WorkLease<string>>();
            foreach (var name in names)
                if (await runner.ClaimAsync(name) is { } lease) won.Add(lease);
            return won;
        }
        var results = await Task.WhenAll(Task.Run(ClaimAllAsync), Task.Run(ClaimAllAsync), Task.Run(ClaimAllAsync));

        var leases = results.SelectMany(r => r).ToList();
        Assert.Equal(names.Order(), leases.Select(l => l.Key).Order());
        foreach (var lease in leases)
        {
            var row = await RowAsync(lease.Key);
            Assert.Equal((lease.Owner, 1), (row.Owner, row.Attempts));
        }
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_the_first_claims_late_outcome_is_refused()
    {
        await AddDueAsync("t");
        await using var first = NewRunner();
        await using var second = NewRunner();
        var stale = Assert.IsType<WorkLease<string>>(await first.ClaimAsync("t"));

        _app.Clock.Advance(Lease - Duration.FromSeconds(1));
        Assert.Null(await second.ClaimAsync("t"));
        _app.Clock.Advance(Duration.FromSeconds(1));
        var current = Assert.IsType<WorkLease<string>>(await second.ClaimAsync("t"));
        Assert.Equal(2, current.Attempt);

        // The first runner comes back and tries to record its run: refused, nothing of it saved.
        var task = await first.Db.ScheduledTasks.SingleAsync(t => t.Name == "t");
        task.Ran(Now, Now + Duration.FromDays(30));
        Assert.False(await stale.CompleteAsync(CancellationToken.None));
        var row = await RowAsync("t");
        Assert.Equal((current.Owner, Now + Lease, 2, AppFactory.DefaultNow), (row.Owner, row.Until, row.Attempts, row.NextRunAt));

        // The current holder's outcome is saved, and the lease given back.
        var mine = await second.Db.ScheduledTasks.SingleAsync(t => t.Name == "t");
        mine.Ran(Now, Now + Duration.FromHours(1));
        Assert.True(await current.CompleteAsync(CancellationToken.None));
        row = await RowAsync("t");
        Assert.Equal(((string?)null, (Instant?)null, Now + Duration.FromHours(1)), (row.Owner, row.Until, row.NextRunAt));
    }

    [Fact]
    public async Task A_renewed_lease_is_not_taken_over_until_it_runs_out_from_its_renewal()
    {
        await AddDueAsync("t");
        await using var holder = NewRunner();
        await using var other = NewRunner();
        var lease = Assert.IsType<WorkLease<string>>(await holder.ClaimAsync("t"));

        _app.Clock.Advance(Duration.FromSeconds(20));
        Assert.True(await holder.Work.RenewAsync(Table, lease, CancellationToken.None));
        _app.Clock.Advance(Duration.FromSeconds(20));
        // 40 s after the claim, 20 s after the renewal.
        Assert.Null(await other.ClaimAsync("t"));

        _app.Clock.Advance(Duration.FromSeconds(10));
        Assert.NotNull(await other.ClaimAsync("t"));
        // The holder's claim is gone: it can neither renew nor record.
        Assert.False(await holder.Work.RenewAsync(Table, lease, CancellationToken.None));
    }

    [Fact]
    public async Task While_long_work_runs_its_lease_is_renewed_and_a_graceful_stop_gives_it_back_at_once()
    {
        await AddDueAsync("t");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        await using var holder = NewRunner();
        await using var other = NewRunner();
        var run = Task.Run(() => holder.Work.RunIfDueAsync(holder.Probe(_app.Clock, async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }), "t", stop.Token));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Two thirds of the lease later (by the app's clock) the runner has renewed it.
        _app.Clock.Advance(Duration.FromSeconds(20));
        var renewedTo = Now + Lease;
        await Eventually.HoldsAsync(async () => (await RowAsync("t")).Until == renewedTo);
        _app.Clock.Advance(Duration.FromSeconds(20));
        Assert.Null(await other.ClaimAsync("t"));

        // The host stops: the work is cancelled and the row is free again without waiting for the lease.
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var row = await RowAsync("t");
        Assert.Equal(((string?)null, (Instant?)null, 1), (row.Owner, row.Until, row.Attempts));
        Assert.NotNull(await other.ClaimAsync("t"));
    }

    [Fact]
    public async Task Work_that_fails_unexpectedly_backs_off_by_its_kinds_policy_then_succeeds()
    {
        await AddDueAsync("t");
        await using var runner = NewRunner();
        var failing = runner.Probe(_app.Clock, _ => throw new InvalidOperationException("the disk is full"));

        Assert.False(await runner.Work.RunIfDueAsync(failing, "t", CancellationToken.None));
        var row = await RowAsync("t");
        // Given back, but not claimable before the policy's first delay (15 s for scheduled tasks).
        Assert.Equal(((string?)null, Now + Table.Retry.DelayAfter(1), 1), (row.Owner, row.Until, row.Attempts));
        _app.Clock.Advance(Table.Retry.DelayAfter(1) - Duration.FromSeconds(1));
        Assert.Null(await runner.Work.RunIfDueAsync(failing, "t", CancellationToken.None));

        _app.Clock.Advance(Duration.FromSeconds(1));
        Assert.False(await runner.Work.RunIfDueAsync(failing, "t", CancellationToken.None));
        row = await RowAsync("t");
        Assert.Equal((Now + Table.Retry.DelayAfter(2), 2), (row.Until, row.Attempts));
        Assert.Equal(Table.Retry.DelayAfter(1) * 2, Table.Retry.DelayAfter(2));

        _app.Clock.Advance(Table.Retry.DelayAfter(2));
        Assert.True(await runner.Work.RunIfDueAsync(runner.Probe(_app.Clock), "t", CancellationToken.None));
        row = await RowAsync("t");
        Assert.Equal(((string?)null, (Instant?)null, Now + Duration.FromHours(1)), (row.Owner, row.Until, row.NextRunAt));
    }

    [Fact]
    public async Task A_row_that_is_not_due_yet_is_not_claimed()
    {
        await _app.WithDbAsync(db =>
        {
            db.ScheduledTasks.Add(ScheduledTask.Create("later", Now + Duration.FromMinutes(1)));
            return db.SaveChangesAsync();
        });
        await using var runner = NewRunner();

        Assert.Null(await runner.ClaimAsync("later"));
        Assert.Equal(0, await runner.Work.RunDueAsync(runner.Probe(_app.Clock), CancellationToken.None));

        _app.Clock.Advance(Duration.FromMinutes(1));
        Assert.Equal(1, await runner.Work.RunDueAsync(runner.Probe(_app.Clock), CancellationToken.None));
    }
}

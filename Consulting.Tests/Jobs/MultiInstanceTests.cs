using System.Data.Common;
using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Meetings;
using Consulting.Web.Notifications;
using Consulting.Web.Payments;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MimeKit;
using NodaTime;

namespace Consulting.Tests.Jobs;

/// <summary>
/// Two app instances on one database (AppFactory's "same data" mode) with one clock, their
/// background work running at the same moments: every piece of work is done by exactly one of them.
/// </summary>
public sealed class MultiInstanceTests
{
    // Monday 9 Nov 2026 09:00 in New York = 14:00 UTC, one of the test specialist's slots.
    private static readonly Instant SessionStart = Instant.FromUtc(2026, 11, 9, 14, 0);

    /// <summary>Instance A, started first (it creates the database), and B on the same data with A's clock.</summary>
    private static (AppFactory A, AppFactory B) TwoInstances(Action<IServiceCollection>? servicesOfA = null,
        Action<IServiceCollection>? servicesOfBoth = null, bool seed = false, bool background = false)
    {
        var a = new AppFactory
        {
            // B deletes the folder when it is disposed; A may be "killed" (disposed) while B goes on.
            KeepData = true,
            SeedDemoData = seed,
            RunJobsInBackground = background,
            TestServices = s =>
            {
                servicesOfBoth?.Invoke(s);
                servicesOfA?.Invoke(s);
            },
        };
        _ = a.Services;
        var b = new AppFactory(a.DataDirectory) { Clock = a.Clock, KeepData = false, RunJobsInBackground = background, TestServices = servicesOfBoth };
        _ = b.Services;
        return (a, b);
    }

    private static async Task<T> InScopeAsync<TService, T>(AppFactory app, Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private static async Task InvokeAsync<TInvocable>(AppFactory app) where TInvocable : Coravel.Invocable.IInvocable
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TInvocable>().Invoke();
    }

    /// <summary>One instance's scheduled (or woken) run of <typeparamref name="TInvocable"/>, to start at once with others.</summary>
    private static Func<Task> Sweep<TInvocable>(AppFactory app) where TInvocable : Coravel.Invocable.IInvocable =>
        () => InvokeAsync<TInvocable>(app);

    /// <summary>Runs each piece of work on its own thread at the same moment, as two instances' sweeps would.</summary>
    private static Task AtOnceAsync(params Func<Task>[] sweeps) => Task.WhenAll(sweeps.Select(Task.Run));

    private static Task<int> DispatchAsync(AppFactory app) => InScopeAsync<OutboxDispatcher, int>(app, d => d.RunDueAsync(CancellationToken.None));

    private static List<MimeMessage> Emails(AppFactory app) => Directory.Exists(app.MailDirectory)
        ? Directory.GetFiles(app.MailDirectory, "*.eml").Select(f => MimeMessage.Load(f)).ToList()
        : [];

    [Fact]
    public async Task Bookings_paid_through_A_while_both_instances_dispatch_send_each_email_exactly_once()
    {
        var (a, b) = TwoInstances(background: true);
        using var _ = a;
        using var __ = b;
        var specialist = await a.CreateSpecialistWithSlotsAsync();

        // Both dispatchers sweep without pause while A takes the payments (and wakes its own dispatcher after each).
        using var paid = new CancellationTokenSource();
        async Task SweepUntilPaidAsync(AppFactory app)
        {
            while (!paid.IsCancellationRequested) await DispatchAsync(app);
        }
        var sweeps = Task.WhenAll(Task.Run(() => SweepUntilPaidAsync(a)), Task.Run(() => SweepUntilPaidAsync(b)));
        for (var i = 0; i < 5; i++) await a.ConfirmedBookingAsync(specialist.Slots[i], email: $"customer{i}@example.com");
        await paid.CancelAsync();
        await sweeps;
        // A send still in flight (A's woken dispatcher holds its lease) finishes in its own time.
        Task<List<NotificationDelivery>> EmailDeliveriesAsync() =>
            a.WithDbAsync(db => db.NotificationDeliveries.AsNoTracking().Where(d => d.Channel == Channel.Email).ToListAsync());
        await Eventually.HoldsAsync(async () =>
        {
            await AtOnceAsync(() => DispatchAsync(a), () => DispatchAsync(b));
            return (await EmailDeliveriesAsync()).All(d => d.State == DeliveryState.Sent);
        });

        // Per booking: the customer's confirmation and receipt, the specialist's new-booking email.
        var deliveries = await EmailDeliveriesAsync();
        Assert.Equal(15, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((DeliveryState.Sent, 1), (d.State, d.Attempts)));
        var emails = Emails(a);
        Assert.Equal(15, emails.Count);
        Assert.Equal(15, emails.Select(m => m.MessageId).Distinct().Count());
    }

    /// <summary>
    /// After instance A claims a generation job, its database reads hang from then on (its lease
    /// renewals, which are writes, still go through): a stuck instance that is alive, until the test kills it.
    /// </summary>
    private sealed class HangAfterClaim : DbCommandInterceptor
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _hanging;

        public volatile bool Armed;
        public TaskCompletionSource Hung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
            CancellationToken cancellationToken = default)
        {
            if (Armed && result == 1 && command.CommandText.Contains("UPDATE \"GenerationJobs\"") && command.CommandText.Contains("\"Attempts\" + 1"))
            {
                _hanging = true;
                Hung.TrySetResult();
            }
            return ValueTask.FromResult(result);
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            // Deaf to cancellation, like a process that no longer runs.
            if (_hanging) await _release.Task;
            return result;
        }

        public void Release() => _release.TrySetResult();
    }

    [Fact]
    public async Task An_instance_killed_in_the_middle_of_a_generation_job_is_replaced_by_the_other_within_the_lease()
    {
        var hang = new HangAfterClaim();
        var (a, b) = TwoInstances(servicesOfA: s => s.ConfigureAppDbContext(o => o.AddInterceptors(hang)));
        using var _ = a;
        using var __ = b;
        var me = await b.CreateSignedInAsync(schedule: (s, now) =>
            s.AddWindow(IsoDayOfWeek.Tuesday, new TimeWindow(new LocalTime(9, 0), new LocalTime(12, 0), 60), now));
        await InScopeAsync<GenerationJobs, bool>(b, async jobs =>
        {
            await jobs.QueueReconcileAsync(me.Id, "change", CancellationToken.None);
            return true;
        });
        var job = await b.WithDbAsync(db => db.GenerationJobs.AsNoTracking().SingleAsync(j => j.SpecialistId == me.Id));
        Task<GenerationJob> JobAsync() => b.WithDbAsync(db => db.GenerationJobs.AsNoTracking().SingleAsync(j => j.Id == job.Id));
        Task<Instant?> LeaseUntilAsync() => b.WithDbAsync(db => db.GenerationJobs.Where(j => j.Id == job.Id)
            .Select(j => EF.Property<Instant?>(j, WorkLeaseColumns.Until)).SingleAsync());
        Task<int> SweepAsync(AppFactory app) => InScopeAsync<GenerationJobs, int>(app, jobs => jobs.RunDueAsync(CancellationToken.None));

        hang.Armed = true;
        var stuck = Task.Run(() => SweepAsync(a));
        await hang.Hung.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.Running, (await JobAsync()).State);
        var claimedAt = a.Clock.GetCurrentInstant();

        // Stuck but alive: A renews its lease every 10 s, so B leaves the job alone past the first lease.
        a.Clock.Advance(Duration.FromSeconds(20));
        await Eventually.HoldsAsync(async () => await LeaseUntilAsync() == claimedAt + Duration.FromSeconds(50));
        a.Clock.Advance(Duration.FromSeconds(20));
        await Eventually.HoldsAsync(async () => await LeaseUntilAsync() == claimedAt + Duration.FromSeconds(70));
        Assert.Equal(0, await SweepAsync(b));

        // A is killed: no more renewals. B's sweep finds the job free once the last renewal has run
        // out (30 s at most; sweeps run every 15 s, so well within a minute) and finishes it.
        a.Dispose();
        a.Clock.Advance(Duration.FromSeconds(29));
        Assert.Equal(0, await SweepAsync(b));
        a.Clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(1, await SweepAsync(b));

        var done = await JobAsync();
        // Three hourly slots each Tuesday to the horizon.
        Assert.Equal((JobState.Succeeded, 2), (done.State, done.Attempts));
        Assert.True(done.Created > 0 && done.Created % 3 == 0, $"{done.Created} created");
        Assert.Equal(done.Created, await b.WithDbAsync(db => db.Slots.CountAsync(s => s.SpecialistId == me.Id)));

        // Should A's stuck run ever wake up, it finds its claim gone and changes nothing.
        hang.Release();
        await Task.WhenAny(stuck, Task.Delay(TimeSpan.FromSeconds(30)));
        var after = await JobAsync();
        Assert.Equal((JobState.Succeeded, 2, done.FinishedAt), (after.State, after.Attempts, after.FinishedAt));
        Assert.Equal(done.Created, await b.WithDbAsync(db => db.Slots.CountAsync(s => s.SpecialistId == me.Id)));
    }

    [Fact]
    public async Task Reminders_are_recorded_and_sent_exactly_once_with_both_instances_running()
    {
        var (a, b) = TwoInstances();
        using var _ = a;
        using var __ = b;
        var specialist = await a.CreateSpecialistWithSlotsAsync();
        var booking = await b.ConfirmedBookingAsync(specialist.Slots.First(s => s.Start == SessionStart));
        Task<int> RecordAsync(AppFactory app) => InScopeAsync<Reminders, int>(app, r => r.RecordDueAsync(CancellationToken.None));
        Task<List<Notification>> RemindersAsync(NotificationType type) =>
            a.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.BookingId == booking.Id && n.Type == type).ToListAsync());

        foreach (var (type, lead) in new[] { (NotificationType.Reminder24h, Duration.FromHours(24)), (NotificationType.Reminder1h, Duration.FromHours(1)) })
        {
            a.Clock.Reset(SessionStart - lead);
            // Each instance's scheduled turn and, on top, a direct run each: the task claim lets one
            // of the first two through; the unique dedupe key settles whatever runs anyway.
            await AtOnceAsync(Sweep<RecordReminders>(a), Sweep<RecordReminders>(b), () => RecordAsync(a), () => RecordAsync(b));
            await AtOnceAsync(() => DispatchAsync(a), () => DispatchAsync(b));

            Assert.Equal(new[] { "guest@example.com", specialist.Email }.Order(), (await RemindersAsync(type)).Select(n => n.RecipientEmail).Order());
        }
        var reminderEmails = Emails(a).Where(m => m.Subject?.StartsWith("Reminder", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(4, reminderEmails.Count);
        Assert.Equal(4, reminderEmails.Select(m => m.MessageId).Distinct().Count());
    }

    /// <summary>The built-in test payment provider, counting what any instance asks of it.</summary>
    private sealed class CountingGateway(IPaymentGateway inner, ProviderCalls calls) : IPaymentGateway
    {
        public string Name => inner.Name;
        public bool IsTestMode => inner.IsTestMode;

        public Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct) => inner.StartCheckoutAsync(request, ct);

        public Task CancelCheckoutAsync(Payment payment, CancellationToken ct)
        {
            calls.Add($"cancel {payment.Id}");
            return inner.CancelCheckoutAsync(payment, ct);
        }

        public Task<RefundOutcome> RefundAsync(Payment payment, Refund refund, CancellationToken ct)
        {
            calls.Add($"refund {refund.IdempotencyKey}");
            return inner.RefundAsync(payment, refund, ct);
        }
    }

    /// <summary>Calls to an outside service from either instance.</summary>
    private sealed class ProviderCalls
    {
        private readonly List<string> _calls = [];

        public void Add(string call)
        {
            lock (_calls) _calls.Add(call);
        }

        public IReadOnlyList<string> All
        {
            get { lock (_calls) return [.. _calls]; }
        }
    }

    [Fact]
    public async Task A_refund_is_sent_to_the_provider_once_with_both_instances_running()
    {
        var calls = new ProviderCalls();
        var (a, b) = TwoInstances(servicesOfBoth: s => s.Decorate<IPaymentGateway>(inner => new CountingGateway(inner, calls)));
        using var _ = a;
        using var __ = b;
        var specialist = await a.CreateSpecialistWithSlotsAsync();
        var booking = await a.ConfirmedBookingAsync(specialist.Slots[3]);
        // A refund recorded and left for the workers (as when a late second payment is given back).
        var refund = await a.WithDbAsync(async db =>
        {
            var payment = await db.Payments.SingleAsync(p => p.BookingId == booking.Id);
            var requested = payment.RequestRefund("Paid twice", a.Clock.GetCurrentInstant());
            await db.SaveChangesAsync();
            return requested;
        });

        await AtOnceAsync(Sweep<RunRefunds>(a), Sweep<RunRefunds>(b), Sweep<RunRefunds>(a), Sweep<RunRefunds>(b));

        Assert.Equal([$"refund {refund.IdempotencyKey}"], calls.All);
        var payment = await a.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == booking.Id));
        Assert.Equal((PaymentStatus.Refunded, RefundStatus.Succeeded, 1), (payment.Status, payment.Refunds.Single().Status, payment.Refunds.Single().Attempts));
        Assert.Single(await a.WithDbAsync(db => db.Notifications.AsNoTracking()
            .Where(n => n.BookingId == booking.Id && n.Type == NotificationType.RefundProcessed).ToListAsync()));
    }

    /// <summary>A meeting provider both instances use, down until told otherwise, counting the meetings asked for.</summary>
    private sealed class SharedMeetings : IMeetingProvider
    {
        private int _creates;

        public volatile bool Down = true;
        public int Creates => _creates;
        public string Name => "shared";

        public Task<MeetingInfo> CreateAsync(MeetingRequest request, CancellationToken ct)
        {
            Interlocked.Increment(ref _creates);
            return Down ? throw new InvalidOperationException("The meeting service is unavailable.")
                : Task.FromResult(new MeetingInfo("shared", Guid.NewGuid().ToString("N"), $"https://meet.example/{request.BookingId:N}", null));
        }

        public Task<MeetingInfo> UpdateAsync(MeetingInfo meeting, MeetingRequest request, CancellationToken ct) => Task.FromResult(meeting);

        public Task DeleteAsync(MeetingInfo meeting, CancellationToken ct) => Task.CompletedTask;

        public Task<string?> HostUrlAsync(MeetingInfo meeting, CancellationToken ct) => Task.FromResult<string?>(null);
    }

    [Fact]
    public async Task A_meeting_is_created_once_with_both_instances_running()
    {
        var meetings = new SharedMeetings();
        var (a, b) = TwoInstances(servicesOfBoth: s =>
        {
            s.RemoveAll<IMeetingProvider>();
            s.AddSingleton<IMeetingProvider>(meetings);
        });
        using var _ = a;
        using var __ = b;
        var specialist = await a.CreateSpecialistWithSlotsAsync();
        // Paying tries the meeting at once; the provider is down, so the work waits a minute.
        var booking = await a.ConfirmedBookingAsync(specialist.Slots[3]);
        Assert.Equal((1, MeetingSync.Create), (meetings.Creates, booking.MeetingSync));

        meetings.Down = false;
        a.Clock.Advance(Duration.FromMinutes(1));
        await AtOnceAsync(Sweep<RunMeetingSync>(a), Sweep<RunMeetingSync>(b), Sweep<RunMeetingSync>(a), Sweep<RunMeetingSync>(b));

        Assert.Equal(2, meetings.Creates);
        var synced = await a.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(x => x.Id == booking.Id));
        Assert.Equal((MeetingSync.None, $"https://meet.example/{booking.Id:N}"), (synced.MeetingSync, synced.Meeting?.JoinUrl));
    }

    [Fact]
    public async Task Expired_holds_are_released_once_with_both_instances_running()
    {
        var calls = new ProviderCalls();
        var (a, b) = TwoInstances(servicesOfBoth: s => s.Decorate<IPaymentGateway>(inner => new CountingGateway(inner, calls)));
        using var _ = a;
        using var __ = b;
        var specialist = await a.CreateSpecialistWithSlotsAsync();
        var held = new List<Booking>();
        for (var i = 0; i < 3; i++) held.Add(await a.AwaitingPaymentAsync(specialist.Slots[i], email: $"late{i}@example.com"));

        a.Clock.Advance(Duration.FromMinutes(16));
        await AtOnceAsync(Sweep<ReleaseExpiredHolds>(a), Sweep<ReleaseExpiredHolds>(b),
            () => InScopeAsync<Web.Bookings.HoldExpiry, int>(a, e => e.ReleaseExpiredAsync(CancellationToken.None)),
            () => InScopeAsync<Web.Bookings.HoldExpiry, int>(b, e => e.ReleaseExpiredAsync(CancellationToken.None)));

        var bookings = await a.WithDbAsync(db => db.Bookings.AsNoTracking().Where(x => held.Select(h => h.Id).Contains(x.Id)).ToListAsync());
        Assert.All(bookings, x => Assert.Single(x.StatusHistory, h => h.Status == BookingStatus.Expired));
        var payments = await a.WithDbAsync(db => db.Payments.AsNoTracking().Select(p => p.Id).ToListAsync());
        // Each open checkout is ended once, by whichever instance expired its booking.
        Assert.Equal(payments.Select(p => $"cancel {p}").Order(), calls.All.Order());
        Assert.Equal(3, await a.WithDbAsync(db => db.Slots.CountAsync(s => s.SpecialistId == specialist.Id && s.State == SlotState.Available
            && held.Select(h => h.SlotId).Contains(s.Id))));
    }

    [Fact]
    public async Task The_nightly_horizon_is_queued_once_with_both_instances_running()
    {
        var (a, b) = TwoInstances(seed: true);
        using var _ = a;
        using var __ = b;

        // The demo data's own reconciles first: a specialist with one still queued needs no other.
        await InScopeAsync<GenerationJobs, int>(a, jobs => jobs.RunDueAsync(CancellationToken.None));
        a.Clock.Reset(Instant.FromUtc(2026, 11, 3, 2, 0));
        await AtOnceAsync(Sweep<KeepSchedulesGenerated>(a), Sweep<KeepSchedulesGenerated>(b));
        await AtOnceAsync(Sweep<KeepSchedulesGenerated>(a), Sweep<KeepSchedulesGenerated>(b));

        var nightly = await a.WithDbAsync(db => db.GenerationJobs.AsNoTracking().Where(j => j.Origin == "nightly").ToListAsync());
        // One job per demo specialist, each run once.
        Assert.Equal(4, nightly.Count);
        Assert.Equal(4, nightly.Select(j => j.SpecialistId).Distinct().Count());
        Assert.All(nightly, j => Assert.Equal((JobState.Succeeded, 1), (j.State, j.Attempts)));
    }
}

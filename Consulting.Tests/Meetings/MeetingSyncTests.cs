using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Domain;
using Consulting.Web.Meetings;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace Consulting.Tests.Meetings;

/// <summary>A meeting provider that is down never costs a booking: the work is retried and the specialist told.</summary>
public sealed class MeetingSyncTests
{
    /// <summary>A provider that fails while <see cref="Down"/> is set, and hands out rooms otherwise.</summary>
    private sealed class FlakyProvider : IMeetingProvider
    {
        private readonly List<Guid> _createdFor = [];
        private readonly List<string> _deleted = [];

        public bool Down { get; set; } = true;
        public int Calls { get; private set; }
        /// <summary>While set, a create waits for it (after signalling <see cref="Entered"/>), as a slow provider would.</summary>
        public TaskCompletionSource? Gate { get; set; }
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Name => "flaky";

        public IReadOnlyList<Guid> CreatedFor
        {
            get { lock (_createdFor) return [.. _createdFor]; }
        }

        public IReadOnlyList<string> Deleted
        {
            get { lock (_deleted) return [.. _deleted]; }
        }

        public async Task<MeetingInfo> CreateAsync(MeetingRequest request, CancellationToken ct)
        {
            Calls++;
            if (Gate is { } gate)
            {
                Entered.TrySetResult();
                await gate.Task;
            }
            if (Down) throw new InvalidOperationException("The meeting service is unavailable.");
            lock (_createdFor) _createdFor.Add(request.BookingId);
            return new MeetingInfo("flaky", $"{request.BookingId:N}", $"https://meet.example/{request.BookingId:N}", null);
        }

        public Task<MeetingInfo> UpdateAsync(MeetingInfo meeting, MeetingRequest request, CancellationToken ct) => Task.FromResult(meeting);

        public Task DeleteAsync(MeetingInfo meeting, CancellationToken ct)
        {
            lock (_deleted) _deleted.Add(meeting.ExternalId!);
            return Task.CompletedTask;
        }

        public Task<string?> HostUrlAsync(MeetingInfo meeting, CancellationToken ct) => Task.FromResult<string?>(null);
    }

    private sealed class FlakyApp(FlakyProvider provider) : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s =>
            {
                s.RemoveAll<IMeetingProvider>();
                s.AddSingleton<IMeetingProvider>(provider);
            });
        }
    }

    [Fact]
    public async Task A_provider_outage_keeps_the_booking_retries_with_back_off_tells_the_specialist_and_recovers()
    {
        var provider = new FlakyProvider();
        using var app = new FlakyApp(provider);
        var specialist = await app.CreateSpecialistWithSlotsAsync();

        // Paying runs the first attempt right away; it fails, and the booking stands.
        var booking = await app.ConfirmedBookingAsync(specialist.Slots[2]);
        Assert.Equal((BookingStatus.Confirmed, MeetingSync.Create, 1), (booking.Status, booking.MeetingSync, booking.MeetingSyncAttempts));
        Assert.Null(booking.Meeting);

        async Task RunAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MeetingSyncService>().RunDueAsync(CancellationToken.None);
        }
        Task<Booking> ReloadAsync() => app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking.Id));

        // Not due again before its back-off; due after it.
        await RunAsync();
        Assert.Equal(1, provider.Calls);
        for (var attempt = 2; attempt <= Booking.TellSpecialistAfterMeetingFailures; attempt++)
        {
            app.Clock.Advance(Duration.FromHours(1));
            await RunAsync();
        }
        Assert.Equal(Booking.TellSpecialistAfterMeetingFailures, provider.Calls);
        var problems = await app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .Where(n => n.BookingId == booking.Id && n.Type == NotificationType.MeetingProblem).ToListAsync());
        var problem = Assert.Single(problems);
        Assert.Contains("The booking is safe", problem.Message);
        Assert.Contains("unavailable", problem.Message);

        provider.Down = false;
        app.Clock.Advance(Duration.FromHours(1));
        await RunAsync();

        var recovered = await ReloadAsync();
        Assert.Equal((BookingStatus.Confirmed, MeetingSync.None, $"https://meet.example/{booking.Id:N}"),
            (recovered.Status, recovered.MeetingSync, recovered.Meeting?.JoinUrl));
    }

    private static async Task RunDueAsync(AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MeetingSyncService>().RunDueAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Paying_through_the_card_page_makes_that_bookings_meeting_and_leaves_other_bookings_work_to_the_workers()
    {
        var provider = new FlakyProvider();
        using var app = new FlakyApp(provider);
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        // Another booking's meeting failed a minute ago and is due again; a third booking's refund waits too.
        var waiting = await app.ConfirmedBookingAsync(specialist.Slots[0], email: "waiting@example.com");
        var refunded = await app.ConfirmedBookingAsync(specialist.Slots[1], email: "refund@example.com");
        await app.WithDbAsync(async db =>
        {
            (await db.Payments.SingleAsync(p => p.BookingId == refunded.Id)).RequestRefund("Paid twice", app.Clock.GetCurrentInstant());
            await db.SaveChangesAsync();
        });
        provider.Down = false;
        app.Clock.Advance(Duration.FromMinutes(1));
        var callsBefore = provider.Calls;

        // A guest holds, checks out and pays on the pages.
        var slot = specialist.Slots[2];
        var week = await OpenTimesPage.OpenAsync(app.CreateBrowserLikeClient(), specialist.Slug, "2026-11-02", "Asia/Tokyo");
        var checkout = await week.HoldAsync(slot);
        var card = await checkout.ContinueToTestCardAsync("Aiko Tanaka", "aiko@example.jp");
        var confirmation = await card.PayWithTestCardOrFailAsync();

        // The customer's own meeting link is on the confirmation at once.
        var mine = await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.SlotId == slot.Id && b.Status == BookingStatus.Confirmed));
        Assert.Equal($"https://meet.example/{mine.Id:N}", confirmation.MeetingLink);
        Assert.Equal(callsBefore + 1, provider.Calls);
        Assert.Equal([mine.Id], provider.CreatedFor);
        // Nothing else was touched by the request.
        var other = await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == waiting.Id));
        Assert.Equal((MeetingSync.Create, 1), (other.MeetingSync, other.MeetingSyncAttempts));
        var refund = await app.WithDbAsync(db => db.Refunds.AsNoTracking().SingleAsync(r => r.Reason == "Paid twice"));
        Assert.Equal((RefundStatus.Pending, 0), (refund.Status, refund.Attempts));

        // The workers' sweeps do the rest.
        await RunDueAsync(app);
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Web.Payments.RefundJobs>().RunDueAsync(CancellationToken.None);
        Assert.Contains(waiting.Id, provider.CreatedFor);
        Assert.Equal(RefundStatus.Succeeded, (await app.WithDbAsync(db => db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refund.Id))).Status);
    }

    [Fact]
    public async Task A_meeting_made_for_a_booking_cancelled_meanwhile_is_deleted_not_left_behind()
    {
        var provider = new FlakyProvider();
        using var app = new FlakyApp(provider);
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var booking = await app.ConfirmedBookingAsync(specialist.Slots[3]);
        provider.Down = false;
        provider.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Clock.Advance(Duration.FromMinutes(1));

        // The worker is waiting for the provider when the customer cancels.
        var sweep = Task.Run(() => RunDueAsync(app));
        await provider.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.IsType<Web.Bookings.ChangeOutcome.Done>(await scope.ServiceProvider.GetRequiredService<Web.Bookings.BookingChanges>()
                .CancelAsync(booking.Id, Actor.Customer(null), null, CancellationToken.None));
        provider.Gate.SetResult();
        await sweep;

        // The cancellation stands, and the meeting made for it is gone again.
        var stored = await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking.Id));
        Assert.Equal((BookingStatus.Cancelled, MeetingSync.None, (MeetingInfo?)null), (stored.Status, stored.MeetingSync, stored.Meeting));
        Assert.Equal([$"{booking.Id:N}"], provider.Deleted);
    }
}

using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

/// <summary>Signed manage links: view, reschedule and cancel without signing in (clock: Mon 2 Nov 2026 12:00 UTC).</summary>
public sealed class ManageBookingTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>A confirmed booking for Monday 9 Nov 09:00 New York (14:00 UTC), a week ahead.</summary>
    private async Task<(BookableSpecialist Specialist, Web.Domain.Booking Booking, string Token)> ConfirmedAsync()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var slot = specialist.Slots.First(s => s.Start == Instant.FromUtc(2026, 11, 9, 14, 0));
        var booking = await _app.ConfirmedBookingAsync(slot);
        return (specialist, booking, await _app.ManageTokenAsync(booking));
    }

    private Task<(Web.Domain.Booking Booking, Payment Payment, List<Slot> Slots, List<Notification> Notifications)> StateAsync(Guid bookingId) =>
        _app.WithDbAsync(async db =>
        {
            var booking = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId);
            return (booking,
                await db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == bookingId),
                await db.Slots.AsNoTracking().Where(s => s.SpecialistId == booking.SpecialistId).OrderBy(s => s.Start).ToListAsync(),
                await db.Notifications.AsNoTracking().Where(n => n.BookingId == bookingId).ToListAsync());
        });

    private static string Q(string token) => Uri.EscapeDataString(token);

    [Fact]
    public async Task A_manage_link_opens_the_booking_with_reschedule_and_cancel_actions()
    {
        var (_, booking, token) = await ConfirmedAsync();

        var page = await BookingStatusPage.OpenAtAsync(_app.CreateClient(), $"/bookings/{booking.Id:N}?t={Q(token)}");

        Assert.StartsWith("You're booked with", page.StatusHeading);
        Assert.Equal(["Reschedule", "Cancel booking"], page.Document.QuerySelectorAll(".booking-actions a").Select(a => a.Text()));
    }

    [Fact]
    public async Task Tampered_foreign_and_expired_manage_links_get_friendly_404_and_410_pages()
    {
        var (specialist, booking, token) = await ConfirmedAsync();
        var other = await _app.ConfirmedBookingAsync(specialist.Slots.First(s => s.Start == Instant.FromUtc(2026, 11, 10, 14, 0)), email: "other@example.com");
        var client = _app.CreateClient();
        var tampered = token[..^3] + (token.EndsWith("abc") ? "xyz" : "abc");

        foreach (var url in new[]
        {
            $"/bookings/{booking.Id:N}/cancel?t={Q(tampered)}",
            $"/bookings/{other.Id:N}/cancel?t={Q(token)}",
            $"/bookings/{booking.Id:N}/reschedule",
            $"/bookings/{booking.Id:N}/reschedule?t=not-a-token",
        })
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("We couldn't find that page", (await Html.ParseAsync(response)).QuerySelector("h1").Text());
        }

        // After the session has ended the link stops working.
        _app.Clock.Reset(booking.End);
        var expired = await client.GetAsync($"/bookings/{booking.Id:N}/cancel?t={Q(token)}");
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Equal("This link has expired", (await Html.ParseAsync(expired)).QuerySelector("h1").Text());
    }

    [Fact]
    public async Task Cancelling_more_than_24_hours_ahead_says_full_refund_first_then_refunds_and_frees_the_slot()
    {
        var (_, booking, token) = await ConfirmedAsync();
        var client = _app.CreateBrowserLikeClient();
        var page = await CancelBookingPage.OpenAsync(client, booking.Id, token);
        Assert.Contains("You'll get a full refund of €50.00", page.RefundPreview);

        var response = await page.CancelAsync("Conflict at work");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var (cancelled, payment, slots, notifications) = await StateAsync(booking.Id);
        Assert.Equal((BookingStatus.Cancelled, RefundDecision.Full, "Conflict at work"),
            (cancelled.Status, cancelled.Cancellation!.Refund, cancelled.Cancellation.Reason));
        Assert.Equal(SlotState.Available, slots.Single(s => s.Id == booking.SlotId).State);
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Null(cancelled.Meeting);
        Assert.Equal(1, cancelled.Sequence);
        Assert.Equal(2, notifications.Count(n => n.Type == NotificationType.Cancelled));
        Assert.Single(notifications, n => n.Type == NotificationType.RefundProcessed);
        var details = await BookingStatusPage.OpenAtAsync(client, response.Headers.Location!.OriginalString);
        Assert.Contains("We're refunding €50.00 in full", details.Flash);
        Assert.Contains("€50.00 refunded", details.CancelNote);

        // Cancelling again: a clear message and nothing changes.
        var again = await page.CancelAsync();
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already cancelled", (await Html.ParseAsync(again)).QuerySelector(".notice").Text());
        var (after, afterPayment, _, afterNotifications) = await StateAsync(booking.Id);
        Assert.Equal((1, 1, notifications.Count), (after.Sequence, afterPayment.Refunds.Count, afterNotifications.Count));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(-1, false)]
    public async Task A_customer_cancelling_at_the_24_hour_boundary_is_refunded_only_when_a_full_window_ahead(int seconds, bool refunded)
    {
        var (_, booking, token) = await ConfirmedAsync();
        _app.Clock.Reset(booking.Start - Duration.FromHours(24) - Duration.FromSeconds(seconds));
        var client = _app.CreateBrowserLikeClient();
        var page = await CancelBookingPage.OpenAsync(client, booking.Id, token);
        Assert.Contains(refunded ? "full refund" : "No refund", page.RefundPreview);

        await page.CancelAsync();

        var (cancelled, payment, _, _) = await StateAsync(booking.Id);
        Assert.Equal(BookingStatus.Cancelled, cancelled.Status);
        Assert.Equal(refunded ? PaymentStatus.Refunded : PaymentStatus.Succeeded, payment.Status);
    }

    [Fact]
    public async Task A_specialist_cancelling_an_hour_before_the_start_always_refunds_in_full()
    {
        var (_, booking, _) = await ConfirmedAsync();
        _app.Clock.Reset(booking.Start - Duration.FromHours(1));
        var specialistUser = await _app.WithDbAsync(db => db.Specialists.Where(s => s.Id == booking.SpecialistId).Select(s => s.UserId).SingleAsync());

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<BookingChanges>()
                .CancelAsync(booking.Id, Actor.Specialist(specialistUser), "Ill", CancellationToken.None);
            Assert.IsType<ChangeOutcome.Done>(outcome);
        }

        var (cancelled, payment, _, _) = await StateAsync(booking.Id);
        Assert.Equal((BookingStatus.Cancelled, RefundDecision.Full, PaymentStatus.Refunded),
            (cancelled.Status, cancelled.Cancellation!.Refund, payment.Status));
    }

    [Fact]
    public async Task Rescheduling_moves_the_booking_frees_the_old_slot_and_keeps_the_meeting()
    {
        var (specialist, booking, token) = await ConfirmedAsync();
        var client = _app.CreateBrowserLikeClient();
        var page = await OpenTimesPage.OpenAtAsync(client, $"/bookings/{booking.Id:N}/reschedule?t={Q(token)}&week=2026-11-09");
        // The grid is in the customer's zone (Tokyo, from checkout): Tuesday 10 Nov 09:00 New York is 23:00 JST.
        var target = specialist.Slots.First(s => s.Start == Instant.FromUtc(2026, 11, 10, 14, 0));
        var button = page.Document.QuerySelector($"button[value='{target.Id}']")!;
        Assert.Equal("23:00 JST", button.QuerySelector(".slot-time").Text());
        Assert.DoesNotContain(booking.SlotId.ToString(), page.SlotButtonIds);

        var response = await page.ChooseAsync(target);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var (moved, _, slots, notifications) = await StateAsync(booking.Id);
        Assert.Equal((target.Id, target.Start, 1), (moved.SlotId, moved.Start, moved.Sequence));
        Assert.Equal(SlotState.Available, slots.Single(s => s.Id == booking.SlotId).State);
        Assert.Equal((SlotState.Booked, (Guid?)booking.Id), (slots.Single(s => s.Id == target.Id).State, slots.Single(s => s.Id == target.Id).BookingId));
        var history = Assert.Single(moved.RescheduleHistory);
        Assert.Equal((booking.SlotId, booking.Start, target.Id), (history.FromSlotId, history.FromStart, history.ToSlotId));
        Assert.Equal(booking.Meeting!.JoinUrl, moved.Meeting!.JoinUrl);
        Assert.Equal(MeetingSync.None, moved.MeetingSync);
        Assert.Equal(2, notifications.Count(n => n.Type == NotificationType.Rescheduled));
        var details = await BookingStatusPage.OpenAtAsync(client, response.Headers.Location!.OriginalString);
        Assert.Equal("Tue 10 Nov 2026, 23:00 JST (Tokyo)", details.CustomerTime);
    }

    [Fact]
    public async Task Rescheduling_closes_24_hours_before_the_start_and_a_cancelled_booking_cannot_be_moved()
    {
        var (specialist, booking, token) = await ConfirmedAsync();
        var target = specialist.Slots.First(s => s.Start == Instant.FromUtc(2026, 11, 12, 14, 0));
        _app.Clock.Reset(booking.Start - Duration.FromHours(24) + Duration.FromSeconds(1));
        var client = _app.CreateBrowserLikeClient();

        var late = await OpenTimesPage.OpenAtAsync(client, $"/bookings/{booking.Id:N}/reschedule?t={Q(token)}");
        Assert.Contains("Rescheduling closes 24 hours before the start", late.Document.QuerySelector(".notice").Text());
        Assert.Empty(late.SlotButtonIds);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var refused = await scope.ServiceProvider.GetRequiredService<BookingChanges>()
                .RescheduleAsync(booking.Id, target.Id, Actor.Customer(null), CancellationToken.None);
            Assert.Contains("closes 24 hours", Assert.IsType<ChangeOutcome.Refused>(refused).Message);
        }

        _app.Clock.Reset(Instant.FromUtc(2026, 11, 2, 12, 0));
        await (await CancelBookingPage.OpenAsync(client, booking.Id, token)).CancelAsync();
        var afterCancel = await client.GetPageAsync($"/bookings/{booking.Id:N}/reschedule?t={Q(token)}");
        Assert.Contains("This booking is cancelled, so it can't be rescheduled.", afterCancel.QuerySelector(".notice").Text());
        Assert.Equal(SlotState.Available, (await StateAsync(booking.Id)).Slots.Single(s => s.Id == target.Id).State);
    }

    [Fact]
    public async Task Two_customers_rescheduling_into_and_one_booking_the_same_slot_at_once_only_one_wins()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var first = await _app.ConfirmedBookingAsync(specialist.Slots[0], email: "first@example.com");
        var second = await _app.ConfirmedBookingAsync(specialist.Slots[1], email: "second@example.com");
        var contested = specialist.Slots[10];

        async Task<bool> RescheduleAsync(Guid bookingId)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<BookingChanges>()
                .RescheduleAsync(bookingId, contested.Id, Actor.Customer(null), CancellationToken.None);
            return outcome is ChangeOutcome.Done;
        }
        async Task<bool> HoldAsync()
        {
            await using var scope = _app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<BookingService>()
                .HoldAsync(contested.Id, null, "UTC", CancellationToken.None) is HoldOutcome.Held;
        }

        var wins = await Task.WhenAll(RescheduleAsync(first.Id), RescheduleAsync(second.Id), HoldAsync());

        Assert.Equal(1, wins.Count(w => w));
        var live = await _app.WithDbAsync(db => db.Bookings.CountAsync(b => b.SlotId == contested.Id
            && (b.Status == BookingStatus.Pending || b.Status == BookingStatus.Confirmed)));
        Assert.Equal(1, live);
        var losers = new[] { first, second }.Where((_, i) => !wins[i]).ToList();
        foreach (var loser in losers)
            Assert.Equal(loser.SlotId, (await StateAsync(loser.Id)).Booking.SlotId);
    }

    [Fact]
    public async Task The_booking_page_offers_the_invite_and_add_to_calendar_links_and_the_ics_follows_changes()
    {
        var (specialist, booking, token) = await ConfirmedAsync();
        var client = _app.CreateBrowserLikeClient();
        var page = await client.GetPageAsync($"/bookings/{booking.Id:N}?t={Q(token)}");
        var links = page.QuerySelectorAll(".calendar-links a").ToDictionary(a => a.Text(), a => a.GetAttribute("href")!);
        Assert.Contains("dates=20261109T140000Z/20261109T150000Z", links["Add to Google Calendar"]);
        Assert.StartsWith("https://outlook.live.com/", links["Add to Outlook"]);

        async Task<IcsSummary> InviteAsync()
        {
            var response = await client.GetAsync(links["Download .ics"]);
            Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
            return IcsValidator.Validate(await response.Content.ReadAsStringAsync());
        }

        var first = await InviteAsync();
        Assert.Equal("REQUEST", first.Method);
        var uid = Assert.Single(first.Events).Uid;

        var target = specialist.Slots.First(s => s.Start == Instant.FromUtc(2026, 11, 11, 14, 0));
        var reschedule = await OpenTimesPage.OpenAtAsync(client, $"/bookings/{booking.Id:N}/reschedule?t={Q(token)}&week=2026-11-09");
        await reschedule.ChooseAsync(target);
        var moved = Assert.Single((await InviteAsync()).Events);
        Assert.Equal((uid, 1), (moved.Uid, moved.Sequence));

        await (await CancelBookingPage.OpenAsync(client, booking.Id, token)).CancelAsync();
        var cancelled = await InviteAsync();
        Assert.Equal("CANCEL", cancelled.Method);
        Assert.Equal((uid, 2, "CANCELLED"), (cancelled.Events[0].Uid, cancelled.Events[0].Sequence, cancelled.Events[0].Status));
    }
}

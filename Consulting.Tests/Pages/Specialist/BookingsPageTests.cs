using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Pages.Specialist;

/// <summary>The specialist's bookings dashboard: only their own bookings, and the actions after a session.</summary>
public sealed class BookingsPageTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private Task<Web.Domain.Booking> ReloadAsync(Guid id) => _app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == id));

    private Task<List<NotificationType>> NotificationsAsync(Guid bookingId) =>
        _app.WithDbAsync(db => db.Notifications.Where(n => n.BookingId == bookingId).Select(n => n.Type).ToListAsync());

    [Fact]
    public async Task A_specialist_sees_only_their_own_upcoming_bookings()
    {
        var mine = await _app.CreateSpecialistWithSlotsAsync();
        var theirs = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(mine.Slots[3], email: "mine@example.com");
        await _app.ConfirmedBookingAsync(theirs.Slots[3], email: "theirs@example.com");

        var page = await mine.Client.GetPageAsync("/specialist/bookings");

        var row = Assert.Single(page.QuerySelectorAll("tbody tr"));
        Assert.Equal(booking.Id.ToString(), row.GetAttribute("data-booking-id"));
        Assert.Contains("mine@example.com", row.TextContent);
        Assert.Contains("Cancel (full refund)", row.TextContent);
        Assert.Empty((await mine.Client.GetPageAsync("/specialist/bookings?Past=true")).QuerySelectorAll("tbody tr"));
    }

    [Fact]
    public async Task After_the_session_the_specialist_marks_it_completed_and_shares_the_recording()
    {
        var me = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(me.Slots[3]);

        // Before the end there is nothing to mark; a forged post is refused and changes nothing.
        var early = await me.Client.GetPageAsync("/specialist/bookings");
        Assert.DoesNotContain("Completed", early.QuerySelector("tbody tr .row-actions").Text());
        var refused = await me.Client.PostWithTokenAsync(early, $"/specialist/bookings?handler=Completed&bookingId={booking.Id}");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("hasn't ended yet", (await me.Client.GetPageAsync(refused.Headers.Location!.OriginalString)).QuerySelector(".flash").Text());
        Assert.Equal(BookingStatus.Confirmed, (await ReloadAsync(booking.Id)).Status);

        _app.Clock.Reset(booking.End + Duration.FromMinutes(5));
        var past = await me.Client.GetPageAsync("/specialist/bookings?Past=true");
        var done = await me.Client.SubmitAsync(past, "tbody tr form[action*='Completed']");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(BookingStatus.Completed, (await ReloadAsync(booking.Id)).Status);
        Assert.Contains(NotificationType.SessionCompleted, await NotificationsAsync(booking.Id));

        var completed = await me.Client.GetPageAsync("/specialist/bookings?Past=true");
        var bad = await me.Client.SubmitAsync(completed, "form.recording-form", new Dictionary<string, string> { ["recordingUrl"] = "not a link" });
        Assert.Contains("http(s) address", (await me.Client.GetPageAsync(bad.Headers.Location!.OriginalString)).QuerySelector(".flash").Text());
        await me.Client.SubmitAsync(completed, "form.recording-form", new Dictionary<string, string> { ["recordingUrl"] = "https://videos.example/rec/1" });
        Assert.Equal("https://videos.example/rec/1", (await ReloadAsync(booking.Id)).RecordingUrl);
        Assert.Contains(NotificationType.RecordingReady, await NotificationsAsync(booking.Id));
    }

    [Fact]
    public async Task A_specialist_cancelling_refunds_in_full_and_cannot_touch_another_specialists_booking()
    {
        var me = await _app.CreateSpecialistWithSlotsAsync();
        var other = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(me.Slots[3]);
        var foreign = await _app.ConfirmedBookingAsync(other.Slots[3], email: "foreign@example.com");

        var page = await me.Client.GetPageAsync("/specialist/bookings");
        var sneaky = await me.Client.PostWithTokenAsync(page, $"/specialist/bookings?handler=Cancel&bookingId={foreign.Id}");
        Assert.Equal(HttpStatusCode.NotFound, sneaky.StatusCode);
        Assert.Equal(BookingStatus.Confirmed, (await ReloadAsync(foreign.Id)).Status);

        var cancelled = await me.Client.SubmitAsync(page, "tbody tr form[action*='Cancel']");

        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        var after = await ReloadAsync(booking.Id);
        Assert.Equal((BookingStatus.Cancelled, ActorRole.Specialist, RefundDecision.Full), (after.Status, after.Cancellation!.ByRole, after.Cancellation.Refund));
        Assert.Equal(PaymentStatus.Refunded, (await _app.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == booking.Id))).Status);
    }

    [Fact]
    public async Task Bad_filters_get_a_clear_message_and_400()
    {
        var me = await _app.CreateSpecialistWithSlotsAsync();

        var response = await me.Client.GetAsync("/specialist/bookings?From=yesterday&Status=Sleeping");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Use dates like", (await Html.ParseAsync(response)).QuerySelector(".notice").Text());
    }
}

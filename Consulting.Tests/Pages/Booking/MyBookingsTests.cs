using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

/// <summary>"My bookings": a signed-in customer's own sessions, in their zone, with what they can do next.</summary>
public sealed class MyBookingsTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Signing_in_is_needed()
    {
        var response = await _app.CreateBrowserLikeClient().GetAsync("/bookings");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in?ReturnUrl=%2Fbookings", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_customer_sees_only_their_own_bookings_in_their_zone_with_the_next_steps()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var ana = await _app.CreateCustomerAsync("Ana Díaz", zone: "Asia/Tokyo");
        var ben = await _app.CreateCustomerAsync("Ben Okafor");
        var mine = await _app.ConfirmedBookingAsync(specialist.Slots[3], customer: ana);
        await _app.ConfirmedBookingAsync(specialist.Slots[4], customer: ben);
        await _app.ConfirmedBookingAsync(specialist.Slots[5], email: ana.Email); // as a guest: reached by its emailed link

        var page = await ana.Client.GetPageAsync("/bookings");

        var row = Assert.Single(page.QuerySelectorAll("li.my-booking"));
        Assert.Equal(mine.Id.ToString(), row.GetAttribute("data-booking-id"));
        // Slots[3] is Wed 4 Nov 2026 09:00 in New York = 23:00 in Tokyo (UTC+9, no DST).
        Assert.Contains("Wed 4 Nov 2026, 23:00 JST (Tokyo)", row.QuerySelector(".my-booking-when").Text());
        Assert.Contains(specialist.Slug, row.QuerySelector(".my-booking-who a")!.GetAttribute("href"));
        var actions = row.QuerySelectorAll(".row-actions a").Select(a => (a.Text(), a.GetAttribute("href"))).ToList();
        Assert.Contains(("Session page", $"/bookings/{mine.Id:N}/session"), actions);
        Assert.Contains(("Reschedule", $"/bookings/{mine.Id:N}/reschedule"), actions);
        Assert.Contains(("Cancel", $"/bookings/{mine.Id:N}/cancel"), actions);
        // The signed-in customer needs no token to follow them.
        Assert.Equal(HttpStatusCode.OK, (await ana.Client.GetAsync($"/bookings/{mine.Id:N}/reschedule")).StatusCode);
        Assert.Empty((await ana.Client.GetPageAsync("/bookings?Past=true")).QuerySelectorAll("li.my-booking"));
    }

    [Fact]
    public async Task After_a_completed_session_the_past_tab_offers_a_review_until_it_is_written()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var ana = await _app.CreateCustomerAsync();
        var booking = await _app.CompleteAsync(specialist, await _app.ConfirmedBookingAsync(specialist.Slots[3], customer: ana));

        Assert.Empty((await ana.Client.GetPageAsync("/bookings")).QuerySelectorAll("li.my-booking"));
        var past = await ana.Client.GetPageAsync("/bookings?Past=true");
        var row = Assert.Single(past.QuerySelectorAll("li.my-booking"));
        Assert.Equal("completed", row.QuerySelector(".badge").Text());
        var review = row.QuerySelectorAll("a").Single(a => a.Text() == "Leave a review");
        Assert.Equal($"/bookings/{booking.Id:N}#review", review.GetAttribute("href"));

        var form = await ana.Client.GetPageAsync($"/bookings/{booking.Id:N}");
        await ana.Client.SubmitAsync(form, "form.review-form", new Dictionary<string, string> { ["Input.Rating"] = "5", ["Input.Text"] = "Great" });

        Assert.DoesNotContain("Leave a review", (await ana.Client.GetPageAsync("/bookings?Past=true")).QuerySelector("li.my-booking").Text());
    }

    [Fact]
    public async Task An_unpaid_hold_shows_with_pay_now_until_it_lapses()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var ana = await _app.CreateCustomerAsync();
        var profile = await OpenTimesPage.OpenAsync(ana.Client, specialist.Slug, "2026-11-02");
        var held = await profile.ChooseAsync(specialist.Slots[3]);
        Assert.Equal(HttpStatusCode.Redirect, held.StatusCode);

        var row = Assert.Single((await ana.Client.GetPageAsync("/bookings")).QuerySelectorAll("li.my-booking"));
        Assert.Equal("pending", row.QuerySelector(".badge").Text());
        Assert.Contains("Pay now", row.TextContent);

        _app.Clock.Advance(Duration.FromMinutes(16));
        Assert.Empty((await ana.Client.GetPageAsync("/bookings")).QuerySelectorAll("li.my-booking"));
    }

    [Fact]
    public async Task Twenty_a_page_with_a_status_filter()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var ana = await _app.CreateCustomerAsync();
        foreach (var slot in specialist.Slots.Skip(3).Take(21))
            await _app.ConfirmedBookingAsync(slot, customer: ana);

        var first = await ana.Client.GetPageAsync("/bookings");
        Assert.Equal(20, first.QuerySelectorAll("li.my-booking").Length);
        Assert.Contains("Page 1 of 2", first.QuerySelector(".pager").Text());
        var second = await ana.Client.GetPageAsync(first.QuerySelector(".pager a[rel=next]")!.GetAttribute("href")!);
        Assert.Single(second.QuerySelectorAll("li.my-booking"));
        Assert.Empty((await ana.Client.GetPageAsync("/bookings?Status=Cancelled")).QuerySelectorAll("li.my-booking"));
        Assert.Equal(HttpStatusCode.BadRequest, (await ana.Client.GetAsync("/bookings?Status=Nonsense")).StatusCode);
    }
}

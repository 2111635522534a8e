using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Pages.Reviews;

/// <summary>Reviews through the booking page: when they can be written, by whom, how often, and what the profile shows.</summary>
public sealed class ReviewPageTests : IDisposable
{
    private readonly SeededAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private Task<List<Review>> ReviewsAsync(Guid bookingId) =>
        _app.WithDbAsync(db => db.Reviews.AsNoTracking().Where(r => r.BookingId == bookingId).ToListAsync());

    /// <summary>Ana's and Ben's sessions with one specialist, both completed.</summary>
    private async Task<(BookableSpecialist, TestCustomer, Web.Domain.Booking, TestCustomer, Web.Domain.Booking)> TwoCompletedSessionsAsync(string anaName)
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var ana = await _app.CreateCustomerAsync(anaName);
        var ben = await _app.CreateCustomerAsync("Ben Okafor");
        var first = await _app.ConfirmedBookingAsync(specialist.Slots[3], customer: ana);
        var second = await _app.ConfirmedBookingAsync(specialist.Slots[4], customer: ben);
        return (specialist, ana, await _app.CompleteAsync(specialist, first), ben, await _app.CompleteAsync(specialist, second));
    }

    private static Dictionary<string, string> Review(int rating, string text) =>
        new() { ["Input.Rating"] = rating.ToString(), ["Input.Text"] = text };

    [Fact]
    public async Task There_is_no_review_before_the_session_is_completed_and_a_forced_post_is_refused()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var customer = await _app.CreateCustomerAsync();
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots[3], customer: customer);

        var page = await customer.Client.GetPageAsync($"/bookings/{booking.Id:N}");
        Assert.Null(page.QuerySelector("form.review-form"));

        // Ended but not yet marked completed by the specialist: still no review.
        _app.Clock.Reset(booking.End + Duration.FromMinutes(1));
        page = await customer.Client.GetPageAsync($"/bookings/{booking.Id:N}");
        Assert.Null(page.QuerySelector("form.review-form"));
        // The token of the page's one form (sign out): a valid token, so only the rule can refuse.
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var forced = await customer.Client.PostAsync($"/bookings/{booking.Id:N}?handler=Review", new FormUrlEncodedContent(
            new Dictionary<string, string>(Review(5, "Great")) { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.BadRequest, forced.StatusCode);
        Assert.Contains("once it has been completed", (await Html.ParseAsync(forced)).QuerySelector(".form-errors").Text());
        Assert.Empty(await ReviewsAsync(booking.Id));
    }

    [Fact]
    public async Task The_customer_reviews_a_completed_session_and_the_profile_shows_it_with_the_average_and_count()
    {
        var (specialist, ana, first, ben, second) = await TwoCompletedSessionsAsync("Ana María Díaz");

        var page = await ana.Client.GetPageAsync($"/bookings/{first.Id:N}");
        var response = await ana.Client.SubmitAsync(page, "form.review-form", Review(4, "Clear advice on our pricing page."));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var thanks = await ana.Client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("Your review is on", thanks.QuerySelector(".flash").Text());
        Assert.Equal("Update review", thanks.QuerySelector("form.review-form button[type=submit]").Text());

        // Ben writes his an hour later: "newest first" needs a newer one.
        _app.Clock.Advance(Duration.FromHours(1));
        page = await ben.Client.GetPageAsync($"/bookings/{second.Id:N}");
        await ben.Client.SubmitAsync(page, "form.review-form", Review(5, "Worth every minute."));

        // The profile shows the new reviews at once (no waiting for a cache), newest first, with first name and initial.
        var profile = await _app.CreateBrowserLikeClient().GetPageAsync($"/specialists/{specialist.Slug}");
        Assert.Contains("4.5", profile.QuerySelector("#reviews .rating-summary").Text());
        Assert.Contains("from 2 reviews", profile.QuerySelector("#reviews .rating-summary").Text());
        var shown = profile.QuerySelectorAll("#reviews .review").Select(r => (r.QuerySelector(".review-author").Text(), r.QuerySelector(".review-text").Text())).ToList();
        Assert.Equal([("Ben O.", "Worth every minute."), ("Ana D.", "Clear advice on our pricing page.")], shown);
        Assert.Equal("4 out of 5 stars", profile.QuerySelectorAll("#reviews .review")[1].QuerySelector(".stars")!.GetAttribute("aria-label"));
        Assert.Contains("(2 reviews)", profile.QuerySelector(".profile-facts").Text());
    }

    [Fact]
    public async Task A_booking_has_one_review_editable_for_7_days_then_fixed()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var customer = await _app.CreateCustomerAsync();
        var booking = await _app.CompleteAsync(specialist, await _app.ConfirmedBookingAsync(specialist.Slots[3], customer: customer));
        var url = $"/bookings/{booking.Id:N}";

        await customer.Client.SubmitAsync(await customer.Client.GetPageAsync(url), "form.review-form", Review(3, "Good."));
        _app.Clock.AdvanceDays(6);
        var edit = await customer.Client.GetPageAsync(url);
        Assert.Equal("Good.", edit.QuerySelector("textarea[name='Input.Text']").Text());
        Assert.True(((AngleSharp.Html.Dom.IHtmlInputElement)edit.QuerySelector("input[name='Input.Rating'][value='3']")!).IsChecked);
        await customer.Client.SubmitAsync(edit, "form.review-form", Review(5, "Better than I said: the follow-up helped."));

        var review = Assert.Single(await ReviewsAsync(booking.Id));
        Assert.Equal(5, review.Rating);
        Assert.Equal("Better than I said: the follow-up helped.", review.Text);
        // The specialist heard of the review once, when it was written, not again for the edit.
        var told = await specialist.Client.GetPageAsync("/notifications");
        var news = told.QuerySelectorAll("li.notification").Where(li => li.Text().Contains("New review")).ToList();
        Assert.Single(news);
        Assert.Contains($"New review: 3 of 5 stars from {review.AuthorName}", news[0].Text());
        Assert.Contains("“Good.”", news[0].Text());

        // Past the window the page shows the review without a form, and a post changes nothing.
        _app.Clock.AdvanceDays(2);
        var late = await customer.Client.GetPageAsync(url);
        Assert.Null(late.QuerySelector("form.review-form"));
        Assert.Contains("Better than I said", late.QuerySelector("#review").Text());
        var refused = await customer.Client.SubmitAsync(edit, "form.review-form", Review(1, "Changed my mind"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("7 days", (await Html.ParseAsync(refused)).QuerySelector(".form-errors").Text());
        Assert.Equal(5, Assert.Single(await ReviewsAsync(booking.Id)).Rating);
    }

    [Theory]
    [InlineData("", "Helpful", "Input.Rating", "between 1 and 5")]
    [InlineData("6", "Helpful", "Input.Rating", "between 1 and 5")]
    [InlineData("five", "Helpful", "Input.Rating", "between 1 and 5")]
    [InlineData("4", "   ", "Input.Text", "Write a few words")]
    public async Task Invalid_reviews_get_a_message_beside_the_field_and_store_nothing(string rating, string text, string field, string message)
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var customer = await _app.CreateCustomerAsync();
        var booking = await _app.CompleteAsync(specialist, await _app.ConfirmedBookingAsync(specialist.Slots[3], customer: customer));

        var page = await customer.Client.GetPageAsync($"/bookings/{booking.Id:N}");
        var response = await customer.Client.SubmitAsync(page, "form.review-form",
            new Dictionary<string, string> { ["Input.Rating"] = rating, ["Input.Text"] = text });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await Html.ParseAsync(response)).FieldError(field));
        Assert.Empty(await ReviewsAsync(booking.Id));
    }

    [Fact]
    public async Task Only_the_bookings_customer_can_review_it_and_a_guest_can_through_the_emailed_link()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var customer = await _app.CreateCustomerAsync();
        var other = await _app.CreateCustomerAsync("Mallory Someone");
        var mine = await _app.ConfirmedBookingAsync(specialist.Slots[3], customer: customer);
        var guest = await _app.ConfirmedBookingAsync(specialist.Slots[4], email: "guest-reviewer@example.com");
        await _app.CompleteAsync(specialist, mine);
        await _app.CompleteAsync(specialist, guest);

        // Another customer, and the specialist, can't open the booking (so can't post to it either).
        var otherPage = await other.Client.GetPageAsync("/bookings");
        var token = otherPage.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var sneaky = await other.Client.PostAsync($"/bookings/{mine.Id:N}?handler=Review", new FormUrlEncodedContent(
            new Dictionary<string, string>(Review(1, "Bad")) { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.NotFound, sneaky.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await specialist.Client.GetAsync($"/bookings/{mine.Id:N}")).StatusCode);
        Assert.Empty(await ReviewsAsync(mine.Id));

        // The guest's link (from the session-completed email) opens the form without an account.
        var link = $"/bookings/{guest.Id:N}?t={Uri.EscapeDataString(await _app.ViewTokenAsync(guest))}";
        var visitor = _app.CreateBrowserLikeClient();
        var page = await visitor.GetPageAsync(link);
        var response = await visitor.SubmitAsync(page, "form.review-form", Review(5, "Booked as a guest, glad I did."));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var review = Assert.Single(await ReviewsAsync(guest.Id));
        Assert.Equal("Guest Customer", review.AuthorName);
    }

    [Fact]
    public async Task A_reported_review_hidden_by_an_admin_leaves_the_profile_and_the_average()
    {
        var (specialist, ana, first, ben, second) = await TwoCompletedSessionsAsync("Ana Díaz");
        await ana.Client.SubmitAsync(await ana.Client.GetPageAsync($"/bookings/{first.Id:N}"), "form.review-form", Review(5, "Superb."));
        await ben.Client.SubmitAsync(await ben.Client.GetPageAsync($"/bookings/{second.Id:N}"), "form.review-form", Review(1, "Buy my crypto course!"));
        var spam = Assert.Single(await ReviewsAsync(second.Id));

        // Anonymous visitors are offered sign-in first, which brings them back to the review.
        var anonymous = _app.CreateBrowserLikeClient();
        var publicPage = await anonymous.GetPageAsync($"/specialists/{specialist.Slug}/reviews");
        var spamForm = $"li[data-review-id='{spam.Id}'] form.report-form";
        Assert.Null(publicPage.QuerySelector(spamForm));
        var signInLink = publicPage.QuerySelector($"li[data-review-id='{spam.Id}'] a.report-link")!;
        Assert.Equal("Sign in to report", signInLink.Text().Trim());
        var signInPage = await anonymous.GetPageAsync(signInLink.GetAttribute("href")!);
        Assert.Equal($"/specialists/{specialist.Slug}/reviews#review-{spam.Id}",
            signInPage.QuerySelector("input[name='ReturnUrl']")?.GetAttribute("value"));
        var reported = await ana.Client.SubmitAsync(await ana.Client.GetPageAsync($"/specialists/{specialist.Slug}/reviews"), spamForm,
            new Dictionary<string, string> { ["reason"] = "Spam, not about the session" });
        Assert.Equal(HttpStatusCode.Redirect, reported.StatusCode);

        var admin = _app.CreateBrowserLikeClient();
        await admin.SignInOrFailAsync(DemoData.AdminEmail, DemoData.Password);
        var queue = await admin.GetPageAsync("/admin/reviews");
        var row = Assert.Single(queue.QuerySelectorAll("li.review"));
        Assert.Contains("Spam, not about the session", row.QuerySelector(".report-note").Text());
        var hidden = await admin.SubmitAsync(queue, $"li[data-review-id='{spam.Id}'] form[action*='Hide']");
        Assert.Equal(HttpStatusCode.Redirect, hidden.StatusCode);

        var profile = await anonymous.GetPageAsync($"/specialists/{specialist.Slug}");
        Assert.DoesNotContain("crypto", profile.QuerySelector("#reviews").Text());
        Assert.Contains("5.0", profile.QuerySelector("#reviews .rating-summary").Text());
        Assert.Contains("from 1 review", profile.QuerySelector("#reviews .rating-summary").Text());
        Assert.Empty((await admin.GetPageAsync("/admin/reviews")).QuerySelectorAll("li.review"));
        Assert.Single((await admin.GetPageAsync("/admin/reviews?Show=Hidden")).QuerySelectorAll("li.review"));
    }

    [Fact]
    public async Task The_reviews_page_pages_through_every_visible_review_ten_at_a_time()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var customer = await _app.CreateCustomerAsync();
        var bookings = new List<Web.Domain.Booking>();
        foreach (var slot in specialist.Slots.Skip(3).Take(12))
            bookings.Add(await _app.ConfirmedBookingAsync(slot, customer: customer));
        foreach (var booking in bookings)
        {
            await _app.CompleteAsync(specialist, booking);
            await customer.Client.SubmitAsync(await customer.Client.GetPageAsync($"/bookings/{booking.Id:N}"), "form.review-form",
                Review(4, $"Session at {booking.Start}"));
        }

        var client = _app.CreateBrowserLikeClient();
        var profile = await client.GetPageAsync($"/specialists/{specialist.Slug}");
        Assert.Equal(5, profile.QuerySelectorAll("#reviews .review").Length);
        Assert.Equal($"/specialists/{specialist.Slug}/reviews", profile.QuerySelector("#reviews .list-head a")!.GetAttribute("href"));
        var first = await client.GetPageAsync($"/specialists/{specialist.Slug}/reviews");
        Assert.Equal(10, first.QuerySelectorAll(".review").Length);
        Assert.Contains("Page 1 of 2", first.QuerySelector(".pager").Text());
        var second = await client.GetPageAsync(first.QuerySelector(".pager a[rel=next]")!.GetAttribute("href")!);
        Assert.Equal(2, second.QuerySelectorAll(".review").Length);
        // Newest first: the last page holds the two earliest reviews.
        Assert.Contains(bookings[0].Start.ToString(), second.QuerySelectorAll(".review")[1].TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/specialists/no-such-person/reviews")).StatusCode);
    }

    [Fact]
    public async Task The_demo_has_reviewed_sessions_and_one_waiting_for_the_demo_customers_review()
    {
        var profile = await _app.CreateBrowserLikeClient().GetPageAsync("/specialists/maya-thompson");
        Assert.Equal(3, profile.QuerySelectorAll("#reviews .review").Length);
        Assert.Contains("4.7", profile.QuerySelector("#reviews .rating-summary").Text());

        var carla = _app.CreateBrowserLikeClient();
        await carla.SignInOrFailAsync(DemoData.CustomerEmail, DemoData.Password);
        var past = await carla.GetPageAsync("/bookings?Past=true");
        var row = Assert.Single(past.QuerySelectorAll("li.my-booking"));
        Assert.Contains("Maya Thompson", row.Text());
        Assert.Contains("Leave a review", row.Text());
    }
}

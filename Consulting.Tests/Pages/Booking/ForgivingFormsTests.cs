using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

/// <summary>
/// Forms tell everything at once and tie each message to its field (the shared error summary and
/// Hosting/AccessibleValidation.cs), and the booking path forgives: a refusal keeps the visitor's
/// week, a paid booking's card page leads to the booking.
/// </summary>
public sealed class ForgivingFormsTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private async Task<(CheckoutPage Checkout, BookableSpecialist Specialist)> CheckoutAsync()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var week = await OpenTimesPage.OpenAsync(app.CreateBrowserLikeClient(), specialist.Slug, "2026-11-09", "Asia/Tokyo");
        return (await week.HoldAsync(specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0))), specialist);
    }

    [Fact]
    public async Task Checkout_reports_every_invalid_field_at_once_in_a_summary_that_links_to_each_field()
    {
        var (checkout, _) = await CheckoutAsync();

        var response = await checkout.SubmitDetailsAsync("", "not-an-email", "12345");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await Html.ParseAsync(response);
        var summary = page.QuerySelector("main form [data-error-summary]")!;
        Assert.Equal("There are 3 problems", summary.QuerySelector("h2").Text());
        // Without JavaScript too, the summary takes the focus when the page opens.
        Assert.True(summary.HasAttribute("autofocus"));
        Assert.Equal(["#Input_Name", "#Input_Email", "#Input_Phone"], summary.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        foreach (var id in new[] { "Input_Name", "Input_Email", "Input_Phone" })
        {
            var field = page.GetElementById(id)!;
            Assert.Equal("true", field.GetAttribute("aria-invalid"));
            var message = page.GetElementById(id + "-error");
            Assert.False(string.IsNullOrEmpty(message.Text()), $"{id} has no message");
            Assert.Contains(id + "-error", field.GetAttribute("aria-describedby")!.Split(' '));
        }
        // The hint stays described too, after the message.
        Assert.Equal("Input_Email-error email-hint", page.GetElementById("Input_Email")!.GetAttribute("aria-describedby"));
        Assert.Contains("valid email", page.GetElementById("Input_Email-error").Text());
        Assert.Null(page.GetElementById("Input_Notes")!.GetAttribute("aria-invalid"));
    }

    [Fact]
    public async Task The_card_form_reports_every_missing_field_at_once_and_its_page_leads_to_the_booking_once_paid()
    {
        var (checkout, _) = await CheckoutAsync();
        var card = await checkout.ContinueToTestCardAsync("Aiko Tanaka", "aiko@example.jp");

        var empty = await card.PayAsync("", "", "");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var refused = await TestCardPage.ReadAsync(checkout.Client, empty, card.Address);
        Assert.Equal(["#Card_Number", "#Card_Expiry", "#Card_Cvc"], refused.Document.QuerySelectorAll("[data-error-summary] a").Select(a => a.GetAttribute("href")));
        Assert.Equal(3, refused.Document.QuerySelectorAll("input[aria-invalid=true]").Length);

        var paid = await refused.PayWithTestCardAsync();
        var bookingUrl = paid.Headers.Location!.OriginalString;

        var again = await checkout.Client.GetAsync(card.Address);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        // To the booking page, with a signed link of its own.
        Assert.Equal(bookingUrl.Split('?')[0], again.Headers.Location!.OriginalString.Split('?')[0]);
        Assert.Contains("?t=", again.Headers.Location.OriginalString);
    }

    [Fact]
    public async Task A_time_just_taken_is_refused_on_the_week_the_customer_was_looking_at_under_that_weeks_address()
    {
        var (_, specialist) = await CheckoutAsync();
        // A second customer had the same week open and chose the time the first one now holds.
        var second = app.CreateBrowserLikeClient();
        var week = await OpenTimesPage.OpenAsync(second, specialist.Slug, "2026-11-09", "Asia/Tokyo");
        var taken = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0));

        var response = await week.ChooseAsync(taken);

        // Post/redirect/get: a normal page address, so a refresh asks for the page, not the same time again.
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var weekUrl = $"/specialists/{specialist.Slug}?week=2026-11-09&tz=Asia%2FTokyo";
        Assert.Equal($"{weekUrl}&taken={taken.Id:N}", response.Headers.Location!.OriginalString);
        var page = await OpenTimesPage.OpenAtAsync(second, response.Headers.Location.OriginalString);
        Assert.Equal("This time was just taken", page.TakenHeading);
        Assert.Equal("9 Nov – 15 Nov 2026", page.WeekTitle);
        Assert.NotEmpty(page.NearestSlotIds);
        Assert.DoesNotContain(taken.Id.ToString(), page.NearestSlotIds);
        // Choosing one of the nearest times keeps the week too, should that one be gone as well.
        Assert.Equal("2026-11-09", page.Document.QuerySelector(".notice form input[name='week']")?.GetAttribute("value"));

        // The flag names a time, it doesn't assert anything: for a time that is open the page has nothing to apologise for.
        var open = specialist.Slots.Last();
        var plain = await OpenTimesPage.OpenAtAsync(second, $"{weekUrl}&taken={open.Id:N}");
        Assert.Null(plain.TakenHeading);
    }
}

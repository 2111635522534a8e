using System.Net;
using Consulting.Tests.Support;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

/// <summary>
/// Forms tell everything at once and tie each message to its field (the shared error summary and
/// Hosting/AccessibleValidation.cs), and the booking path forgives: a refusal keeps the visitor's
/// week, a paid booking's card page leads to the booking.
/// </summary>
public sealed class ForgivingFormsTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private async Task<(HttpClient Client, AngleSharp.Html.Dom.IHtmlDocument Week, AngleSharp.Html.Dom.IHtmlDocument Checkout, BookableSpecialist Specialist)> CheckoutAsync()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var client = app.CreateBrowserLikeClient();
        var week = await client.GetPageAsync($"/specialists/{specialist.Slug}?tz=Asia%2FTokyo&week=2026-11-09");
        var slot = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0));
        var held = await client.SubmitAsync(week, "form.week-grid", new Dictionary<string, string> { ["slotId"] = slot.Id.ToString() });
        return (client, week, await client.GetPageAsync(held.Headers.Location!.OriginalString), specialist);
    }

    [Fact]
    public async Task Checkout_reports_every_invalid_field_at_once_in_a_summary_that_links_to_each_field()
    {
        var (client, _, checkout, _) = await CheckoutAsync();

        var response = await client.SubmitAsync(checkout, "main form", new Dictionary<string, string>
        {
            ["Input.Name"] = "", ["Input.Email"] = "not-an-email", ["Input.Phone"] = "12345",
        });

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
        var (client, _, checkout, _) = await CheckoutAsync();
        var toCard = await client.SubmitAsync(checkout, "main form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Aiko Tanaka", ["Input.Email"] = "aiko@example.jp",
        });
        var cardUrl = toCard.Headers.Location!.OriginalString;
        var card = await client.GetPageAsync(cardUrl);

        var empty = await client.SubmitAsync(card, "main form", new Dictionary<string, string> { ["Card.Number"] = "", ["Card.Expiry"] = "", ["Card.Cvc"] = "" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var refused = await Html.ParseAsync(empty);
        Assert.Equal(["#Card_Number", "#Card_Expiry", "#Card_Cvc"], refused.QuerySelectorAll("[data-error-summary] a").Select(a => a.GetAttribute("href")));
        Assert.Equal(3, refused.QuerySelectorAll("input[aria-invalid=true]").Length);

        var paid = await client.SubmitAsync(refused, "main form", new Dictionary<string, string>
        {
            ["Card.Number"] = "4242 4242 4242 4242", ["Card.Expiry"] = "12/34", ["Card.Cvc"] = "123",
        });
        var bookingUrl = paid.Headers.Location!.OriginalString;

        var again = await client.GetAsync(cardUrl);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        // To the booking page, with a signed link of its own.
        Assert.Equal(bookingUrl.Split('?')[0], again.Headers.Location!.OriginalString.Split('?')[0]);
        Assert.Contains("?t=", again.Headers.Location.OriginalString);
    }

    [Fact]
    public async Task A_time_just_taken_is_refused_on_the_week_the_customer_was_looking_at_under_that_weeks_address()
    {
        var (_, _, _, specialist) = await CheckoutAsync();
        // A second customer had the same week open and chose the time the first one now holds.
        var second = app.CreateBrowserLikeClient();
        var week = await second.GetPageAsync($"/specialists/{specialist.Slug}?tz=Asia%2FTokyo&week=2026-11-09");
        var taken = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0));

        var response = await second.SubmitAsync(week, "form.week-grid", new Dictionary<string, string> { ["slotId"] = taken.Id.ToString() });

        // Post/redirect/get: a normal page address, so a refresh asks for the page, not the same time again.
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var weekUrl = $"/specialists/{specialist.Slug}?week=2026-11-09&tz=Asia%2FTokyo";
        Assert.Equal($"{weekUrl}&taken={taken.Id:N}", response.Headers.Location!.OriginalString);
        var page = await second.GetPageAsync(response.Headers.Location.OriginalString);
        Assert.Equal("This time was just taken", page.GetElementById("taken-heading").Text());
        Assert.Equal("9 Nov – 15 Nov 2026", page.GetElementById("week-title").Text());
        Assert.NotEmpty(page.QuerySelectorAll(".notice .slot-button"));
        Assert.DoesNotContain(taken.Id.ToString(), page.QuerySelectorAll(".notice .slot-button").Select(b => b.GetAttribute("value")));
        // Choosing one of the nearest times keeps the week too, should that one be gone as well.
        Assert.Equal("2026-11-09", page.QuerySelector(".notice form input[name='week']")?.GetAttribute("value"));

        // The flag names a time, it doesn't assert anything: for a time that is open the page has nothing to apologise for.
        var open = specialist.Slots.Last();
        var plain = await second.GetPageAsync($"{weekUrl}&taken={open.Id:N}");
        Assert.Null(plain.GetElementById("taken-heading"));
    }
}

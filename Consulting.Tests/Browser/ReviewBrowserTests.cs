using System.Text.RegularExpressions;
using Consulting.Tests.Support;
using Microsoft.Playwright;

namespace Consulting.Tests.Browser;

/// <summary>After a session: the specialist marks it completed, the customer reviews it and finds the review on the profile.</summary>
[ProviderIndependent]
[Collection(BrowserCollection.Name)]
public sealed class ReviewBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_specialist_marks_a_session_completed_and_the_customer_reviews_it_on_the_profile(bool javaScript)
    {
        var app = browser.App;
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var customer = await app.CreateCustomerAsync("Hana Sato", zone: "Asia/Tokyo");
        var booking = await app.ConfirmedBookingAsync(specialist.Slots[3], customer: customer);
        var text = $"Hana's review {Guid.NewGuid():N}: the plan we made works.";
        try
        {
            app.Clock.Reset(booking.End + NodaTime.Duration.FromMinutes(10));

            var desk = await browser.NewPageAsync(javaScript, timeZone: "America/New_York");
            await BrowserFixture.SignInAsync(desk, specialist.Email, SpecialistAccounts.Password);
            await desk.GetByRole(AriaRole.Link, new() { Name = "Bookings", Exact = true }).ClickAsync();
            await desk.GetByRole(AriaRole.Link, new() { Name = "Past" }).ClickAsync();
            var row = desk.Locator($"tr[data-booking-id='{booking.Id}']");
            await row.GetByRole(AriaRole.Button, new() { Name = "Completed" }).ClickAsync();
            await Assertions.Expect(desk.Locator(".flash")).ToContainTextAsync("Marked as completed");
            await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync(new Regex("completed", RegexOptions.IgnoreCase));

            var page = await browser.NewPageAsync(javaScript, timeZone: "Asia/Tokyo");
            await BrowserFixture.SignInAsync(page, customer.Email, CustomerAccounts.Password);
            await page.GetByRole(AriaRole.Link, new() { Name = "My bookings" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Past" }).ClickAsync();
            await BrowserFixture.ScreenshotAsync(page, $"my-bookings-past-js-{javaScript}");
            await page.GetByRole(AriaRole.Link, new() { Name = "Leave a review" }).ClickAsync();
            await page.Locator("label[for='rating-4']").ClickAsync();
            await page.GetByLabel("What was it like?").FillAsync(text);
            await BrowserFixture.ScreenshotAsync(page, $"review-form-js-{javaScript}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Publish review" }).ClickAsync();
            await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("Your review is on");

            await page.GotoAsync($"/specialists/{specialist.Slug}");
            var review = page.Locator("#reviews .review").First;
            await Assertions.Expect(review.Locator(".review-text")).ToHaveTextAsync(text);
            await Assertions.Expect(review.Locator(".review-author")).ToHaveTextAsync("Hana S.");
            await Assertions.Expect(review.Locator(".stars")).ToHaveAttributeAsync("aria-label", "4 out of 5 stars");
            await Assertions.Expect(page.Locator("#reviews .rating-summary")).ToContainTextAsync("4.0 from 1 review");
            await page.Locator("#reviews").ScrollIntoViewIfNeededAsync();
            await BrowserFixture.ScreenshotAsync(page, $"review-on-profile-js-{javaScript}");
        }
        finally
        {
            // The browser tests share one app; the others expect the fixture's Monday noon.
            app.Clock.Reset(AppFactory.DefaultNow);
        }
    }
}

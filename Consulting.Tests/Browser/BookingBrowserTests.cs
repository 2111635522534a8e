using System.Text.RegularExpressions;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Consulting.Tests.Browser;

/// <summary>
/// A customer in Tokyo (browser zone emulated) books the New York demo specialist and pays with
/// the test card. The app's clock is Monday 2 Nov 2026 12:00 UTC: 21:00 in Tokyo, 07:00 in New York.
/// </summary>
[ProviderIndependent]
[Collection(BrowserCollection.Name)]
public sealed class BookingBrowserTests(BrowserFixture browser)
{
    private async Task<OpenTimesBrowserPage> OpenMayaAsync(bool javaScript)
    {
        await browser.App.RunDueGenerationAsync();
        var page = await browser.NewPageAsync(javaScript, timeZone: "Asia/Tokyo");
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Maya Thompson" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Maya Thompson");
        var week = new OpenTimesBrowserPage(page);
        if (javaScript)
        {
            // site.js reported the browser's zone; the page shows Tokyo times without asking.
            await Assertions.Expect(week.ZoneLabel).ToContainTextAsync("Tokyo (UTC+09:00)");
            // The picker's suggestions arrive on their own.
            await Assertions.Expect(week.ZoneSuggestion("Asia/Tokyo")).ToHaveCountAsync(1);
        }
        else
        {
            await Assertions.Expect(week.ZoneLabel).ToContainTextAsync("UTC");
            await week.ChangeZoneAsync("Asia/Tokyo");
            await Assertions.Expect(week.ZoneLabel).ToContainTextAsync("Tokyo (UTC+09:00)");
        }
        return week;
    }

    private static Task GiveDetailsAsync(CheckoutBrowserPage checkout, string name) =>
        checkout.ContinueToPaymentAsync(name, AccountPages.UniqueEmail("tokyo"));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_customer_in_Tokyo_books_the_New_York_specialist_and_sees_the_right_times_on_every_page(bool javaScript)
    {
        var week = await OpenMayaAsync(javaScript);
        var page = week.Page;
        // Monday 09:00 in New York (EST, UTC−5) is 23:00 in Tokyo (JST, UTC+9), the same day; with the
        // 15-minute buffer the next slot, 10:15 in New York, is already Tuesday 00:15 in Tokyo.
        var dayIndex = javaScript ? 0 : 1;
        var slot = week.SlotsOn(dayIndex).First;
        await Assertions.Expect(OpenTimesBrowserPage.TimeOf(slot)).ToHaveTextAsync(javaScript ? "23:00 JST" : "00:15 JST");
        await Assertions.Expect(OpenTimesBrowserPage.MetaOf(slot)).ToHaveTextAsync("60 min · $120.00");
        await BrowserFixture.ScreenshotAsync(page, $"week-tokyo-js-{javaScript}");

        if (javaScript)
        {
            // Week navigation swaps the calendar in place and updates the address.
            await week.NextWeekAsync();
            await Assertions.Expect(week.WeekTitle).ToHaveTextAsync("9 Nov – 15 Nov 2026");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("week=2026-11-09"));
            await week.PreviousWeekAsync();
            await Assertions.Expect(week.WeekTitle).ToHaveTextAsync("2 Nov – 8 Nov 2026");
        }

        await week.ChooseFirstOpenSlotAsync(dayIndex);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/checkout/[0-9a-f]{32}"));
        var checkout = new CheckoutBrowserPage(page);
        var expectedCustomer = javaScript ? "Mon 2 Nov 2026, 23:00 JST (Tokyo)" : "Tue 3 Nov 2026, 00:15 JST (Tokyo)";
        var expectedSpecialist = javaScript ? "Mon 2 Nov 2026, 09:00 EST (New York)" : "Mon 2 Nov 2026, 10:15 EST (New York)";
        await Assertions.Expect(checkout.CustomerTime).ToHaveTextAsync(expectedCustomer);
        await Assertions.Expect(checkout.SpecialistTime).ToHaveTextAsync(expectedSpecialist);
        await GiveDetailsAsync(checkout, javaScript ? "Yui Script" : "Ren Nojs");

        await Assertions.Expect(checkout.TestModeBanner).ToContainTextAsync("TEST MODE");
        await checkout.PayWithTestCardAsync();

        await Assertions.Expect(checkout.StatusHeading).ToHaveTextAsync("You're booked with Maya Thompson");
        await Assertions.Expect(checkout.CustomerTime).ToHaveTextAsync(expectedCustomer);
        await Assertions.Expect(checkout.SpecialistTime).ToHaveTextAsync(expectedSpecialist);
        await Assertions.Expect(checkout.MeetingLink).ToHaveAttributeAsync("href", new Regex("^https://meet\\.jit\\.si/Consulting-[0-9a-f]{32}$"));
        await BrowserFixture.ScreenshotAsync(page, $"confirmed-js-{javaScript}");
    }

    [Fact]
    public async Task A_declined_test_card_shows_a_clear_message_and_the_customer_can_retry()
    {
        var week = await OpenMayaAsync(javaScript: true);
        await week.ChooseFirstOpenSlotAsync(2);
        var checkout = new CheckoutBrowserPage(week.Page);
        await GiveDetailsAsync(checkout, "Decline Dai");

        await checkout.PayAsync(TestCardPage.DeclinedCard);

        await Assertions.Expect(checkout.CardNumberError).ToHaveTextAsync("Your card was declined. Try another card.");
        await BrowserFixture.ScreenshotAsync(week.Page, "declined");
        await checkout.PayWithTestCardAsync();
        await Assertions.Expect(checkout.StatusHeading).ToHaveTextAsync("You're booked with Maya Thompson");
    }

    [Fact]
    public async Task Without_JavaScript_a_time_just_taken_lands_on_the_week_page_address_and_a_refresh_posts_nothing()
    {
        var week = await OpenMayaAsync(javaScript: false);
        var page = week.Page;
        await week.NextWeekAsync();
        await Assertions.Expect(week.WeekTitle).ToHaveTextAsync("9 Nov – 15 Nov 2026");
        // Another customer holds the time while this page is open.
        var button = week.WeekSlots.Last;
        var slotId = Guid.Parse((await button.GetAttributeAsync("value"))!);
        var slot = await browser.App.WithDbAsync(db => db.Slots.AsNoTracking().SingleAsync(s => s.Id == slotId));
        await browser.App.HeldBookingAsync(slot);

        var posts = 0;
        page.Request += (_, r) => { if (r.Method == "POST") posts++; };
        await button.ClickAsync();

        await Assertions.Expect(week.TakenHeading).ToHaveTextAsync("This time was just taken");
        await Assertions.Expect(week.WeekTitle).ToHaveTextAsync("9 Nov – 15 Nov 2026");
        var url = new Uri(page.Url);
        Assert.Equal("/specialists/maya-thompson", url.AbsolutePath);
        Assert.Contains("week=2026-11-09", url.Query);
        Assert.Contains($"taken={slotId:N}", url.Query);
        await page.ReloadAsync();
        await Assertions.Expect(week.TakenHeading).ToBeVisibleAsync();
        Assert.Equal(1, posts);
        await BrowserFixture.ScreenshotAsync(page, "just-taken-js-off");
        await page.Context.CloseAsync();
    }
}

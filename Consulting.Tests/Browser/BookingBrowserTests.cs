using System.Text.RegularExpressions;
using Consulting.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Consulting.Tests.Browser;

/// <summary>
/// A customer in Tokyo (browser zone emulated) books the New York demo specialist and pays with
/// the test card. The app's clock is Monday 2 Nov 2026 12:00 UTC: 21:00 in Tokyo, 07:00 in New York.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BookingBrowserTests(BrowserFixture browser)
{
    private async Task<IPage> OpenMayaAsync(bool javaScript)
    {
        await browser.App.RunDueGenerationAsync();
        var page = await browser.NewPageAsync(javaScript, timeZone: "Asia/Tokyo");
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Maya Thompson" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Maya Thompson");
        if (javaScript)
        {
            // site.js reported the browser's zone; the page shows Tokyo times without asking.
            await Assertions.Expect(page.Locator("[data-zone-label]")).ToContainTextAsync("Tokyo (UTC+09:00)");
            // The picker's suggestions arrive on their own.
            await Assertions.Expect(page.Locator("#zone-options option[value='Asia/Tokyo']")).ToHaveCountAsync(1);
        }
        else
        {
            await Assertions.Expect(page.Locator("[data-zone-label]")).ToContainTextAsync("UTC");
            await page.GetByLabel("Times shown in").FillAsync("Asia/Tokyo");
            await page.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-zone-label]")).ToContainTextAsync("Tokyo (UTC+09:00)");
        }
        return page;
    }

    private static async Task PayAsync(IPage page, string card)
    {
        await page.GetByLabel("Card number").FillAsync(card);
        await page.GetByLabel("Expiry (MM/YY)").FillAsync("12/34");
        await page.GetByLabel("Security code").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).ClickAsync();
    }

    private static async Task FillDetailsAsync(IPage page, string name)
    {
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Email").FillAsync(AccountPages.UniqueEmail("tokyo"));
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Continue to payment") }).ClickAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_customer_in_Tokyo_books_the_New_York_specialist_and_sees_the_right_times_on_every_page(bool javaScript)
    {
        var page = await OpenMayaAsync(javaScript);
        // Monday 09:00 in New York (EST, UTC−5) is 23:00 in Tokyo (JST, UTC+9), the same day; with the
        // 15-minute buffer the next slot, 10:15 in New York, is already Tuesday 00:15 in Tokyo.
        var dayIndex = javaScript ? 0 : 1;
        var day = page.Locator(".week-day").Nth(dayIndex);
        var slot = day.Locator(".slot-button").First;
        await Assertions.Expect(slot.Locator(".slot-time")).ToHaveTextAsync(javaScript ? "23:00 JST" : "00:15 JST");
        await Assertions.Expect(slot.Locator(".slot-meta")).ToHaveTextAsync("60 min · $120.00");
        await BrowserFixture.ScreenshotAsync(page, $"week-tokyo-js-{javaScript}");

        if (javaScript)
        {
            // Week navigation swaps the calendar in place and updates the address.
            await page.Locator("a[rel=next]").ClickAsync();
            await Assertions.Expect(page.Locator("#week-title")).ToHaveTextAsync("9 Nov – 15 Nov 2026");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("week=2026-11-09"));
            await page.Locator("a[rel=prev]").ClickAsync();
            await Assertions.Expect(page.Locator("#week-title")).ToHaveTextAsync("2 Nov – 8 Nov 2026");
            slot = page.Locator(".week-day").Nth(dayIndex).Locator(".slot-button").First;
        }

        await slot.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/checkout/[0-9a-f]{32}"));
        var expectedCustomer = javaScript ? "Mon 2 Nov 2026, 23:00 JST (Tokyo)" : "Tue 3 Nov 2026, 00:15 JST (Tokyo)";
        var expectedSpecialist = javaScript ? "Mon 2 Nov 2026, 09:00 EST (New York)" : "Mon 2 Nov 2026, 10:15 EST (New York)";
        await Assertions.Expect(page.Locator(".time-customer")).ToHaveTextAsync(expectedCustomer);
        await Assertions.Expect(page.Locator(".time-specialist")).ToHaveTextAsync(expectedSpecialist);
        await FillDetailsAsync(page, javaScript ? "Yui Script" : "Ren Nojs");

        await Assertions.Expect(page.Locator(".test-mode-banner")).ToContainTextAsync("TEST MODE");
        await PayAsync(page, "4242 4242 4242 4242");

        await Assertions.Expect(page.Locator("#status-heading")).ToHaveTextAsync("You're booked with Maya Thompson");
        await Assertions.Expect(page.Locator(".time-customer")).ToHaveTextAsync(expectedCustomer);
        await Assertions.Expect(page.Locator(".time-specialist")).ToHaveTextAsync(expectedSpecialist);
        await Assertions.Expect(page.Locator(".meeting-link")).ToHaveAttributeAsync("href", new Regex("^https://meet\\.jit\\.si/Consulting-[0-9a-f]{32}$"));
        await BrowserFixture.ScreenshotAsync(page, $"confirmed-js-{javaScript}");
    }

    [Fact]
    public async Task A_declined_test_card_shows_a_clear_message_and_the_customer_can_retry()
    {
        var page = await OpenMayaAsync(javaScript: true);
        await page.Locator(".week-day").Nth(2).Locator(".slot-button").First.ClickAsync();
        await FillDetailsAsync(page, "Decline Dai");

        await PayAsync(page, "4000 0000 0000 0002");

        await Assertions.Expect(page.Locator("[data-valmsg-for='Card.Number']")).ToHaveTextAsync("Your card was declined. Try another card.");
        await BrowserFixture.ScreenshotAsync(page, "declined");
        await PayAsync(page, "4242 4242 4242 4242");
        await Assertions.Expect(page.Locator("#status-heading")).ToHaveTextAsync("You're booked with Maya Thompson");
    }

    [Fact]
    public async Task Without_JavaScript_a_time_just_taken_lands_on_the_week_page_address_and_a_refresh_posts_nothing()
    {
        var page = await OpenMayaAsync(javaScript: false);
        await page.Locator("a[rel=next]").ClickAsync();
        await Assertions.Expect(page.Locator("#week-title")).ToHaveTextAsync("9 Nov – 15 Nov 2026");
        // Another customer holds the time while this page is open.
        var button = page.Locator("form.week-grid button.slot-button").Last;
        var slotId = Guid.Parse((await button.GetAttributeAsync("value"))!);
        var slot = await browser.App.WithDbAsync(db => db.Slots.AsNoTracking().SingleAsync(s => s.Id == slotId));
        await browser.App.HeldBookingAsync(slot);

        var posts = 0;
        page.Request += (_, r) => { if (r.Method == "POST") posts++; };
        await button.ClickAsync();

        await Assertions.Expect(page.Locator("#taken-heading")).ToHaveTextAsync("This time was just taken");
        await Assertions.Expect(page.Locator("#week-title")).ToHaveTextAsync("9 Nov – 15 Nov 2026");
        var url = new Uri(page.Url);
        Assert.Equal("/specialists/maya-thompson", url.AbsolutePath);
        Assert.Contains("week=2026-11-09", url.Query);
        Assert.Contains($"taken={slotId:N}", url.Query);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#taken-heading")).ToBeVisibleAsync();
        Assert.Equal(1, posts);
        await BrowserFixture.ScreenshotAsync(page, "just-taken-js-off");
        await page.Context.CloseAsync();
    }
}

using System.Text.RegularExpressions;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using NodaTime;

namespace Consulting.Tests.Browser;

/// <summary>
/// A new specialist in Madrid sets their hours and takes a day off; a customer in Tokyo then finds
/// no time on that day. The app's clock is Monday 2 Nov 2026 12:00 UTC (13:00 in Madrid, 21:00 in
/// Tokyo); background jobs run, so changes apply by themselves as they would in production.
/// </summary>
[ProviderIndependent]
[Collection(BrowserCollection.Name)]
public sealed class AvailabilityBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_new_specialist_sets_hours_takes_a_day_off_and_a_customer_in_Tokyo_finds_no_time_that_day(bool javaScript)
    {
        var page = await browser.NewPageAsync(javaScript);
        var name = (javaScript ? "Jay Script " : "Nico Nojs ") + Guid.NewGuid().ToString("N")[..5];

        await page.GotoAsync("/account/specialist-sign-up");
        if (javaScript) await Assertions.Expect(page.Locator("#zone-list option[value='Europe/Madrid']")).ToHaveCountAsync(1);
        var email = AccountPages.UniqueEmail("spec");
        await page.GetByLabel("Name shown to customers").FillAsync(name);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("a long enough password");
        await page.GetByLabel("Your time zone").FillAsync(javaScript ? "Europe/Madrid" : "madrid");
        await page.GetByLabel("Price per session").FillAsync("80");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my profile" }).ClickAsync();
        // "Check your email" (the same for a registered address), then signing in leads on to the hours.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Check your email");
        await page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("a long enough password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/specialist/availability"));
        var availability = new AvailabilityBrowserPage(page);
        await Assertions.Expect(availability.TimeZoneField).ToHaveValueAsync("Europe/Madrid");
        if (javaScript) await Assertions.Expect(page.Locator("#zone-list option[value='Asia/Tokyo']")).ToHaveCountAsync(1);

        // Mondays 09:00–12:00 in 60-minute slots: bookable as soon as the page says so, no "generate" step.
        await availability.AddWindowAsync(IsoDayOfWeek.Monday, "09:00", "12:00", "60");
        await Assertions.Expect(availability.WindowTimes(IsoDayOfWeek.Monday)).ToHaveTextAsync("09:00–12:00");
        await availability.WaitUntilAppliedAsync(javaScript);

        // A window whose end equals its start is refused beside the field.
        await availability.AddWindowAsync(IsoDayOfWeek.Tuesday, "15:00", "15:00");
        await Assertions.Expect(availability.WindowError(IsoDayOfWeek.Tuesday, AvailabilityPage.WindowEnd)).ToHaveTextAsync("The end must be after the start.");

        // A day off on Monday 16 November.
        await availability.AddDayOffAsync("2026-11-16", "Conference");
        await Assertions.Expect(availability.Exceptions).ToContainTextAsync("Mon 16 Nov 2026 Day off — Conference");
        await availability.WaitUntilAppliedAsync(javaScript);
        await BrowserFixture.ScreenshotAsync(page, $"availability-js-{javaScript}");

        await page.GetByRole(AriaRole.Link, new() { Name = "Month calendar" }).ClickAsync();
        var ninth = page.Locator("#cal-2026-11-09");
        await Assertions.Expect(ninth.Locator(".cal-time")).ToHaveTextAsync(["09:00", "10:00", "11:00"]);
        await Assertions.Expect(page.Locator("#cal-2026-11-16 .cal-slot")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#cal-2026-11-23 .cal-slot")).ToHaveCountAsync(3);

        // Block 10:00 on the 9th with a reason, in place.
        var ten = ninth.Locator(".cal-slot").Nth(1);
        await ten.Locator("summary").ClickAsync();
        await ten.GetByLabel(new Regex("reason")).FillAsync("Dentist");
        await ten.GetByRole(AriaRole.Button, new() { Name = "Block" }).ClickAsync();
        await Assertions.Expect(page.Locator("#cal-2026-11-09 .cal-slot.state-blocked")).ToContainTextAsync("Dentist");
        await BrowserFixture.ScreenshotAsync(page, $"calendar-js-{javaScript}");

        // A customer in Tokyo: Monday 09:00 in Madrid (CET, UTC+1) is 17:00 the same Monday in Tokyo (JST, UTC+9).
        var slug = await browser.App.WithDbAsync(db => db.Specialists.Where(s => s.DisplayName == name).Select(s => s.Slug).SingleAsync());
        var week = await OpenTimesBrowserPage.OpenAsync(await browser.NewPageAsync(javaScript, timeZone: "Asia/Tokyo"), slug, "2026-11-09");
        // Without JavaScript nothing reports the browser's zone: the customer types their city.
        if (!javaScript) await week.ChangeZoneAsync("tokyo");
        await Assertions.Expect(week.ZoneLabel).ToContainTextAsync("Tokyo (UTC+09:00)");
        await Assertions.Expect(week.SlotTimesOn(0)).ToHaveTextAsync(["17:00 JST", "19:00 JST"]);

        await week.NextWeekAsync();
        await Assertions.Expect(week.WeekTitle).ToHaveTextAsync("16 Nov – 22 Nov 2026");
        await Assertions.Expect(week.AllSlots).ToHaveCountAsync(0);
        await Assertions.Expect(week.EmptyWeek).ToContainTextAsync("The next one is Monday 23 November at 17:00 JST.");
        await BrowserFixture.ScreenshotAsync(week.Page, $"day-off-customer-js-{javaScript}");

        await week.NextAvailableAsync();
        await Assertions.Expect(week.WeekTitle).ToHaveTextAsync("23 Nov – 29 Nov 2026");
        await Assertions.Expect(week.SlotTimesOn(0)).ToHaveTextAsync(["17:00 JST", "18:00 JST", "19:00 JST"]);
    }
}

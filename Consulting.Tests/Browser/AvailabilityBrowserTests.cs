using System.Text.RegularExpressions;
using Consulting.Tests.Support;
using Consulting.Web.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Consulting.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AvailabilityBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_new_specialist_sets_hours_generates_slots_and_blocks_one_in_the_month_calendar(bool javaScript)
    {
        var page = await browser.NewPageAsync(javaScript);
        var name = (javaScript ? "Jay Script " : "Nico Nojs ") + Guid.NewGuid().ToString("N")[..5];

        await page.GotoAsync("/account/specialist-sign-up");
        if (javaScript) await Assertions.Expect(page.Locator("#zone-list option[value='Europe/Madrid']")).ToHaveCountAsync(1);
        var email = AccountPages.UniqueEmail("spec");
        await page.GetByLabel("Name shown to customers").FillAsync(name);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("a long enough password");
        await page.GetByLabel("Your time zone").FillAsync("Europe/Madrid");
        await page.GetByLabel("Price per session").FillAsync("80");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my profile" }).ClickAsync();
        // "Check your email" (the same for a registered address), then signing in leads on to the hours.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Check your email");
        await page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("a long enough password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/specialist/availability"));
        // The settings form's zone suggestions come from the same cached list as every other picker.
        if (javaScript) await Assertions.Expect(page.Locator("#zone-list option[value='Asia/Tokyo']")).ToHaveCountAsync(1);

        // Mondays 09:00–12:00 in 60-minute slots.
        var monday = page.Locator("#day-monday");
        await monday.GetByLabel("From").FillAsync("09:00");
        await monday.GetByLabel("To").FillAsync("12:00");
        await monday.GetByLabel("Slot (min)").FillAsync("60");
        await monday.GetByRole(AriaRole.Button, new() { Name = "Add window" }).ClickAsync();
        await Assertions.Expect(page.Locator("#day-monday .window-time")).ToHaveTextAsync("09:00–12:00");

        // A window that ends before it starts is refused beside the field.
        var tuesday = page.Locator("#day-tuesday");
        await tuesday.GetByLabel("From").FillAsync("15:00");
        await tuesday.GetByLabel("To").FillAsync("14:00");
        await tuesday.GetByRole(AriaRole.Button, new() { Name = "Add window" }).ClickAsync();
        await Assertions.Expect(page.Locator("#day-tuesday [data-valmsg-for='Window.End']")).ToHaveTextAsync("The end must be after the start.");

        // Generate the next two weeks (the clock is Monday 2 Nov 2026, 13:00 in Madrid).
        var generate = page.Locator("#generate");
        await generate.GetByLabel("To").FillAsync("2026-11-16");
        await generate.GetByRole(AriaRole.Button, new() { Name = "Generate slots" }).ClickAsync();
        if (!javaScript)
        {
            // Without JavaScript nothing polls: run what's due, then reload as a person would.
            await using var scope = browser.App.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<GenerationJobs>().RunDueAsync(CancellationToken.None);
            await page.ReloadAsync();
        }
        await Assertions.Expect(page.Locator("#jobs .job-status").First).ToContainTextAsync("Done: 6 created");
        await BrowserFixture.ScreenshotAsync(page, $"availability-js-{javaScript}");

        await page.GetByRole(AriaRole.Link, new() { Name = "Month calendar" }).ClickAsync();
        var cell = page.Locator("#cal-2026-11-09");
        await Assertions.Expect(cell.Locator(".cal-time")).ToHaveTextAsync(["09:00", "10:00", "11:00"]);
        await Assertions.Expect(page.Locator("#cal-2026-11-16 .cal-slot")).ToHaveCountAsync(3);

        // Block 10:00 with a reason, in place.
        var ten = cell.Locator(".cal-slot").Nth(1);
        await ten.Locator("summary").ClickAsync();
        await ten.GetByLabel(new Regex("reason")).FillAsync("Dentist");
        await ten.GetByRole(AriaRole.Button, new() { Name = "Block" }).ClickAsync();
        await Assertions.Expect(page.Locator("#cal-2026-11-09 .cal-slot.state-blocked")).ToContainTextAsync("Dentist");
        await BrowserFixture.ScreenshotAsync(page, $"calendar-js-{javaScript}");

        await page.GetByRole(AriaRole.Link, new() { Name = "Next month" }).ClickAsync();
        await Assertions.Expect(page.Locator("#month-title")).ToHaveTextAsync("December 2026");
        Assert.Contains("year=2026&month=12", page.Url);
    }
}

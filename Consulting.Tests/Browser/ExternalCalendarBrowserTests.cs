using Consulting.Tests.Calendar;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using NodaTime;

namespace Consulting.Tests.Browser;

/// <summary>
/// A specialist in Madrid (weekdays 09:00–13:00) adds the address of their own calendar, which has an
/// all-day event on Wednesday 11 November 2026; the month calendar shows the day as busy and a
/// customer finds no time on it. Background jobs run, as in production: the calendar is fetched by
/// the worker, not by the request that adds it.
/// </summary>
[ProviderIndependent]
[Collection(BrowserCollection.Name)]
public sealed class ExternalCalendarBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private CalendarServer _server = null!;

    public async Task InitializeAsync() => _server = await CalendarServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_specialist_adds_a_calendar_address_sees_the_busy_day_and_a_customer_finds_no_time_on_it(bool javaScript)
    {
        var app = browser.App;
        var me = await app.CreateSignedInAsync("Europe/Madrid", (s, now) =>
        {
            foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
                s.AddWindow(day, new TimeWindow(new LocalTime(9, 0), new LocalTime(13, 0), 60), now);
        });
        await app.ApplyScheduleAsync(me.Id);
        var slug = await app.WithDbAsync(db => db.Specialists.Where(p => p.Id == me.Id).Select(p => p.Slug).SingleAsync());

        var page = await browser.NewPageAsync(javaScript);
        await BrowserFixture.SignInAsync(page, me.Email, SpecialistAccounts.Password);

        var availability = await AvailabilityBrowserPage.OpenAsync(page);
        await availability.AddCalendarAsync("Personal", _server.Url("all-day.ics"));
        // A worker fetches it: with JavaScript the list polls itself until then; without, the specialist reloads.
        var item = availability.Calendars;
        if (javaScript) await Assertions.Expect(item).ToContainTextAsync("Last synced", new() { Timeout = 20_000 });
        else
        {
            for (var attempt = 0; attempt < 80 && !(await item.TextContentAsync() ?? "").Contains("Last synced"); attempt++)
            {
                await Task.Delay(250);
                await page.ReloadAsync();
            }
            await Assertions.Expect(item).ToContainTextAsync("Last synced");
        }
        await Assertions.Expect(availability.Calendars).ToContainTextAsync("http://127.0.0.1/••••••");
        await BrowserFixture.ScreenshotAsync(page, $"external-calendars-js-{javaScript}");

        await page.GotoAsync("/specialist/calendar?year=2026&month=11");
        await Assertions.Expect(page.Locator("#cal-2026-11-11 .cal-busy")).ToContainTextAsync("Busy in Personal");
        await BrowserFixture.ScreenshotAsync(page, $"external-calendars-month-js-{javaScript}");

        // The reconcile the sync queued runs in the background; the customer's page follows it.
        var customer = await browser.NewPageAsync(javaScript);
        var week = new OpenTimesBrowserPage(customer);
        for (var attempt = 0; attempt < 80; attempt++)
        {
            await OpenTimesBrowserPage.OpenAsync(customer, slug, "2026-11-09", "Europe/Madrid");
            if (await week.SlotsOn(2).CountAsync() == 0) break;
            await Task.Delay(250);
        }
        await Assertions.Expect(week.SlotsOn(2)).ToHaveCountAsync(0);
        await Assertions.Expect(week.SlotsOn(3)).ToHaveCountAsync(4);
    }
}

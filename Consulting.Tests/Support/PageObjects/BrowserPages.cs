using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NodaTime;

namespace Consulting.Tests.Support.PageObjects;

/// <summary>
/// A specialist's public page in Chromium: the week of open times, its navigation (swapped in place
/// by htmx with JavaScript, whole pages without) and the zone picker. Locators are for Playwright's
/// waiting asserts; actions click and type as a visitor would.
/// </summary>
public sealed class OpenTimesBrowserPage(IPage page)
{
    /// <summary>What a keyboard user tabs to: the next week link, and a time.</summary>
    public const string NextWeekLink = "a[rel=next]";
    public const string SlotButton = "button.slot-button";

    public IPage Page { get; } = page;

    public static async Task<OpenTimesBrowserPage> OpenAsync(IPage page, string slug, string? week = null, string? zone = null)
    {
        await page.GotoAsync(OpenTimesPage.Address(slug, week, zone));
        return new OpenTimesBrowserPage(page);
    }

    /// <summary>Types a zone (or a city) into "Times shown in" and presses Change: the way without JavaScript.</summary>
    public async Task ChangeZoneAsync(string zone)
    {
        await Page.GetByLabel("Times shown in").FillAsync(zone);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
    }

    public Task NextWeekAsync() => Page.Locator(NextWeekLink).ClickAsync();

    public Task PreviousWeekAsync() => Page.Locator("a[rel=prev]").ClickAsync();

    /// <summary>Follows an empty week's "Next available" link.</summary>
    public Task NextAvailableAsync() => Page.GetByRole(AriaRole.Link, new() { Name = "Next available" }).ClickAsync();

    /// <summary>Clicks the first time of the week (on its <paramref name="day"/>-th day, when given).</summary>
    public Task ChooseFirstOpenSlotAsync(int? day = null) =>
        (day is null ? WeekSlots : SlotsOn(day.Value)).First.ClickAsync();

    /// <summary>The zone the times are shown in, and a suggestion of the picker's list.</summary>
    public ILocator ZoneLabel => Page.Locator("[data-zone-label]");

    public ILocator ZoneSuggestion(string zone) => Page.Locator($"#zone-options option[value='{zone}']");

    public ILocator WeekTitle => Page.Locator("#week-title");

    /// <summary>The times of the week form (the just-taken notice's own times not included).</summary>
    public ILocator WeekSlots => Page.Locator($"form.week-grid {SlotButton}");

    /// <summary>Every time button on the page.</summary>
    public ILocator AllSlots => Page.Locator(".slot-button");

    /// <summary>The time buttons of the week's <paramref name="day"/>-th day shown (0 is the first).</summary>
    public ILocator SlotsOn(int day) => Page.Locator(".week-day").Nth(day).Locator(".slot-button");

    /// <summary>The times as read on the day ("17:00 JST").</summary>
    public ILocator SlotTimesOn(int day) => Page.Locator(".week-day").Nth(day).Locator(".slot-time");

    /// <summary>One time button's parts: the time, and its length and price.</summary>
    public static ILocator TimeOf(ILocator slot) => slot.Locator(".slot-time");

    public static ILocator MetaOf(ILocator slot) => slot.Locator(".slot-meta");

    public ILocator TakenHeading => Page.Locator("#taken-heading");

    /// <summary>What an empty week says instead of times.</summary>
    public ILocator EmptyWeek => Page.Locator(".week-empty");
}

/// <summary>Checkout, the test card page and the booking page in Chromium: one tab going through them.</summary>
public sealed class CheckoutBrowserPage(IPage page)
{
    /// <summary>The first field of each form, for a keyboard user to tab to.</summary>
    public const string NameField = $"input[name='{CheckoutPage.Name}']";
    public const string CardNumberField = $"input[name='{TestCardPage.Number}']";

    public IPage Page { get; } = page;

    /// <summary>Fills in name and email and presses "Continue to payment".</summary>
    public async Task ContinueToPaymentAsync(string name, string email)
    {
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Continue to payment") }).ClickAsync();
    }

    /// <summary>Types the card on the test card page and presses Pay.</summary>
    public async Task PayAsync(string cardNumber, string expiry = "12/34", string cvc = "123")
    {
        await Page.GetByLabel("Card number").FillAsync(cardNumber);
        await Page.GetByLabel("Expiry (MM/YY)").FillAsync(expiry);
        await Page.GetByLabel("Security code").FillAsync(cvc);
        await Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Pay ") }).ClickAsync();
    }

    public Task PayWithTestCardAsync() => PayAsync(TestCardPage.GoodCard);

    public ILocator CustomerTime => Page.Locator(".time-customer");

    public ILocator SpecialistTime => Page.Locator(".time-specialist");

    public ILocator TestModeBanner => Page.Locator(".test-mode-banner");

    /// <summary>The message beside the card number (a declined card).</summary>
    public ILocator CardNumberError => Page.Locator($"[data-valmsg-for='{TestCardPage.Number}']");

    /// <summary>The booking page's heading ("You're booked with …") and its meeting link.</summary>
    public ILocator StatusHeading => Page.Locator("#status-heading");

    public ILocator MeetingLink => Page.Locator(".meeting-link");
}

/// <summary>The specialist's availability page in Chromium: weekly windows, date exceptions, the apply status.</summary>
public sealed class AvailabilityBrowserPage(IPage page)
{
    private static readonly LocatorAssertionsToContainTextOptions Soon = new() { Timeout = 20_000 };

    public IPage Page { get; } = page;

    public static async Task<AvailabilityBrowserPage> OpenAsync(IPage page)
    {
        await page.GotoAsync(AvailabilityPage.Address);
        return new AvailabilityBrowserPage(page);
    }

    /// <summary>Fills in the day's From and To (and slot length, when given) and presses "Add window on …".</summary>
    public async Task AddWindowAsync(IsoDayOfWeek day, string from, string to, string? slotMinutes = null)
    {
        var section = Day(day);
        await section.GetByLabel("From").FillAsync(from);
        await section.GetByLabel("To").FillAsync(to);
        if (slotMinutes is not null) await section.GetByLabel("Slot (min)").FillAsync(slotMinutes);
        await section.GetByRole(AriaRole.Button, new() { Name = $"Add window on {day}" }).ClickAsync();
    }

    /// <summary>Presses the Remove button of the window shown as <paramref name="times"/> ("09:00–12:00").</summary>
    public Task RemoveWindowAsync(IsoDayOfWeek day, string times) =>
        Page.GetByRole(AriaRole.Button, new() { Name = $"Remove {times} on {day}" }).ClickAsync();

    public ILocator WindowTimes(IsoDayOfWeek day) => Day(day).Locator(".window-time");

    /// <summary>The message beside one of the day's window fields (<see cref="AvailabilityPage.WindowEnd"/>…).</summary>
    public ILocator WindowError(IsoDayOfWeek day, string field) => Day(day).Locator($"[data-valmsg-for='{field}']");

    /// <summary>Adds a day off on <paramref name="date"/> (yyyy-MM-dd) with a note.</summary>
    public async Task AddDayOffAsync(string date, string note)
    {
        var section = Page.Locator("#exceptions");
        await section.GetByLabel("Date").FillAsync(date);
        await section.GetByLabel("Day off").CheckAsync();
        await section.GetByLabel("Note (optional)").FillAsync(note);
        await section.GetByRole(AriaRole.Button, new() { Name = "Add exception" }).ClickAsync();
    }

    public ILocator Exceptions => Page.Locator("#exceptions .exception-list");

    /// <summary>Adds one of the specialist's own calendars by its .ics address.</summary>
    public async Task AddCalendarAsync(string name, string address)
    {
        var section = Page.Locator("#external-calendars");
        await section.GetByLabel("Name").FillAsync(name);
        await section.GetByLabel("Calendar address (.ics)").FillAsync(address);
        await section.GetByRole(AriaRole.Button, new() { Name = "Add calendar" }).ClickAsync();
    }

    /// <summary>The listed calendars.</summary>
    public ILocator Calendars => Page.Locator("#external-calendars li.external-calendar");

    /// <summary>The zone field of the settings.</summary>
    public ILocator TimeZoneField => Page.Locator("#Settings_TimeZoneId");

    /// <summary>
    /// Waits for "Applied" in the status: with JavaScript the status polls itself; without it the
    /// specialist reloads, as the page tells them to, until the background job has run.
    /// </summary>
    public async Task WaitUntilAppliedAsync(bool javaScript)
    {
        var status = Page.Locator("#apply-status");
        if (!javaScript)
        {
            for (var attempt = 0; attempt < 80 && !(await status.InnerTextAsync()).Contains("Applied"); attempt++)
            {
                await Task.Delay(250);
                await Page.ReloadAsync();
            }
        }
        await Assertions.Expect(status).ToContainTextAsync("Applied — customers see your hours as they are now.", Soon);
    }

    private ILocator Day(IsoDayOfWeek day) => Page.Locator("#day-" + day.ToString().ToLowerInvariant());
}

using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using NodaTime;

namespace Consulting.Tests.Support.PageObjects;

/// <summary>
/// The specialist's availability page over HTTP: weekly windows per day, the settings (zone, price,
/// currency, buffer, start date), the booking rules (notice, horizon, cap), date exceptions and the
/// specialist's own calendars whose busy times are kept free. Each
/// action returns the response, so a test can check the redirect, or the fragment htmx gets.
/// </summary>
public sealed class AvailabilityPage(HttpClient client, IHtmlDocument document) : HttpPage(client, document)
{
    public const string Address = "/specialist/availability";

    public const string WindowStart = "Window.Start";
    public const string WindowEnd = "Window.End";
    public const string WindowSlotMinutes = "Window.SlotMinutes";
    public const string WindowPrice = "Window.Price";

    public const string TimeZone = "Settings.TimeZoneId";
    public const string Price = "Settings.Price";
    public const string Currency = "Settings.Currency";
    public const string BufferMinutes = "Settings.BufferMinutes";
    public const string ActiveFrom = "Settings.ActiveFrom";

    public const string MinimumNoticeHours = "RulesForm.MinimumNoticeHours";
    public const string HorizonDays = "RulesForm.HorizonDays";
    public const string MaxSessionsPerDay = "RulesForm.MaxSessionsPerDay";

    public const string ExceptionDate = "NewException.Date";
    public const string ExceptionWindowEnd = "NewException.Windows[0].End";
    private const string ExceptionKind = "NewException.Kind";
    private const string ExceptionNote = "NewException.Note";
    private const string ExceptionWindowStart = "NewException.Windows[0].Start";
    private const string ExceptionWindowSlotMinutes = "NewException.Windows[0].SlotMinutes";
    private const string ExceptionWindowPrice = "NewException.Windows[0].Price";

    public const string CalendarName = "CalendarForm.Name";
    public const string CalendarAddress = "CalendarForm.Address";

    private const string SettingsForm = "#settings form";
    private const string RulesForm = "#rules form";
    private const string ExceptionForm = "#exceptions form.exception-form";

    public static async Task<AvailabilityPage> OpenAsync(HttpClient client) => new(client, await client.GetPageAsync(Address));

    /// <summary>The page or fragment a response carries (a refused form, an htmx swap).</summary>
    public static async Task<AvailabilityPage> ReadAsync(HttpClient client, HttpResponseMessage response) =>
        new(client, await Html.ParseAsync(response));

    // Weekly hours

    /// <summary>Fills in the day's "add window" form and presses Add (a null field is left as rendered).</summary>
    public Task<HttpResponseMessage> AddWindowAsync(IsoDayOfWeek day, string start, string end, string? slotMinutes = "60",
        string? price = null, bool htmx = false)
    {
        var values = new Dictionary<string, string> { [WindowStart] = start, [WindowEnd] = end };
        if (slotMinutes is not null) values[WindowSlotMinutes] = slotMinutes;
        if (price is not null) values[WindowPrice] = price;
        return SubmitAsync($"{Day(day)} form.add-window", values, htmx);
    }

    /// <summary>Presses Remove on the day's first window.</summary>
    public Task<HttpResponseMessage> RemoveFirstWindowAsync(IsoDayOfWeek day, bool htmx = false) =>
        SubmitAsync($"{Day(day)} .window form", htmx: htmx);

    /// <summary>The day's windows as shown ("09:00–12:00", "22:00–02:00 next day").</summary>
    public IReadOnlyList<string> WindowTimes(IsoDayOfWeek day) => Document.QuerySelectorAll($"{Day(day)} .window-time").Select(e => e.Text()).ToList();

    /// <summary>Every window on the page or fragment, whichever day.</summary>
    public int WindowCount => Document.QuerySelectorAll(".window").Length;

    /// <summary>The day's windows with their prices, as one text.</summary>
    public string WindowsText(IsoDayOfWeek day) => Document.QuerySelector($"{Day(day)} .windows").Text();

    public string WindowPriceText(IsoDayOfWeek day) => Document.QuerySelector($"{Day(day)} .window-price").Text();

    /// <summary>The note under a window (a clock change that eats it), or null when there is none.</summary>
    public string? WindowNote(IsoDayOfWeek day) => Document.QuerySelector($"{Day(day)} .window-note")?.Text();

    /// <summary>The message beside one of the day's window fields (the other days have their own).</summary>
    public string WindowError(IsoDayOfWeek day, string field) => Document.QuerySelector($"{Day(day)} [data-valmsg-for='{field}']").Text();

    /// <summary>Whether the day's on/off toggle is pressed ("true"/"false").</summary>
    public string? DayToggle(IsoDayOfWeek day) => Document.QuerySelector($"{Day(day)} .toggle")?.GetAttribute("aria-pressed");

    // Settings and booking rules

    /// <summary>Fills in the settings form and saves it (a null field is left as rendered).</summary>
    public Task<HttpResponseMessage> SaveSettingsAsync(string? timeZone = null, string? price = null, string? currency = null,
        string? bufferMinutes = null, string? activeFrom = null, bool htmx = false)
    {
        var values = new Dictionary<string, string>();
        if (timeZone is not null) values[TimeZone] = timeZone;
        if (price is not null) values[Price] = price;
        if (currency is not null) values[Currency] = currency;
        if (bufferMinutes is not null) values[BufferMinutes] = bufferMinutes;
        if (activeFrom is not null) values[ActiveFrom] = activeFrom;
        return SubmitAsync(SettingsForm, values, htmx);
    }

    /// <summary>The zone the settings form shows.</summary>
    public string? TimeZoneValue => Document.GetElementById("Settings_TimeZoneId")?.GetAttribute("value");

    /// <summary>What the settings section says after a save (an older zone name, reset prices), or null.</summary>
    public string? SettingsNotice => Document.QuerySelector("#settings .notice")?.Text();

    /// <summary>The one-time message at the top of the page after a redirect.</summary>
    public string Flash => Document.QuerySelector(".flash").Text();

    /// <summary>Saves the booking rules; "" leaves a rule at the usual setting.</summary>
    public Task<HttpResponseMessage> SaveBookingRulesAsync(string minimumNoticeHours, string horizonDays, string maxSessionsPerDay, bool htmx = false) =>
        SubmitAsync(RulesForm, new Dictionary<string, string>
        {
            [MinimumNoticeHours] = minimumNoticeHours, [HorizonDays] = horizonDays, [MaxSessionsPerDay] = maxSessionsPerDay,
        }, htmx);

    /// <summary>The minimum-notice field: what was typed, and the usual setting it shows when empty.</summary>
    public (string Value, string? Placeholder) MinimumNoticeField
    {
        get
        {
            var input = Document.GetElementById("RulesForm_MinimumNoticeHours")!;
            return (input.GetAttribute("value") ?? "", input.GetAttribute("placeholder"));
        }
    }

    // Date exceptions

    /// <summary>Adds a day off on <paramref name="date"/> (yyyy-MM-dd).</summary>
    public Task<HttpResponseMessage> AddDayOffAsync(string date, string? note = null, bool htmx = false)
    {
        var values = new Dictionary<string, string> { [ExceptionDate] = date, [ExceptionKind] = "off" };
        if (note is not null) values[ExceptionNote] = note;
        return SubmitAsync(ExceptionForm, values, htmx);
    }

    public Task<HttpResponseMessage> AddDayOffAsync(LocalDate date, string? note = null, bool htmx = false) =>
        AddDayOffAsync(date.ToString("yyyy-MM-dd", null), note, htmx);

    /// <summary>Adds special hours on <paramref name="date"/>: one window (a null field is left as rendered).</summary>
    public Task<HttpResponseMessage> AddSpecialHoursAsync(string date, string start, string end, string? slotMinutes = null,
        string? price = null, string? note = null, bool htmx = false)
    {
        var values = new Dictionary<string, string>
        {
            [ExceptionDate] = date, [ExceptionKind] = "hours", [ExceptionWindowStart] = start, [ExceptionWindowEnd] = end,
        };
        if (slotMinutes is not null) values[ExceptionWindowSlotMinutes] = slotMinutes;
        if (price is not null) values[ExceptionWindowPrice] = price;
        if (note is not null) values[ExceptionNote] = note;
        return SubmitAsync(ExceptionForm, values, htmx);
    }

    /// <summary>Presses Remove on the first listed exception.</summary>
    public Task<HttpResponseMessage> RemoveFirstExceptionAsync(bool htmx = false) =>
        SubmitAsync(".exception-list li:first-child form", htmx: htmx);

    /// <summary>The exceptions as listed, one text; and how many there are.</summary>
    public string ExceptionsText => Document.QuerySelector(".exception-list").Text();

    public int ExceptionCount => Document.QuerySelectorAll(".exception-list li").Length;

    // The specialist's own calendars

    /// <summary>Adds a calendar by its .ics address.</summary>
    public Task<HttpResponseMessage> AddCalendarAsync(string name, string address, bool htmx = false) =>
        SubmitAsync(CalendarForm("AddCalendar"), new Dictionary<string, string> { [CalendarName] = name, [CalendarAddress] = address }, htmx);

    /// <summary>Presses "Sync now" on the first calendar.</summary>
    public Task<HttpResponseMessage> SyncFirstCalendarAsync(bool htmx = false) => SubmitAsync(CalendarForm("SyncCalendar"), htmx: htmx);

    /// <summary>Presses Remove on the first calendar.</summary>
    public Task<HttpResponseMessage> RemoveFirstCalendarAsync(bool htmx = false) => SubmitAsync(CalendarForm("RemoveCalendar"), htmx: htmx);

    /// <summary>Each listed calendar: name, masked address, last sync or problem, busy times ahead.</summary>
    public IReadOnlyList<IElement> CalendarItems => Document.QuerySelectorAll("li.external-calendar").ToList();

    /// <summary>The text of each listed calendar.</summary>
    public IReadOnlyList<string> Calendars => CalendarItems.Select(e => e.TextContent).ToList();

    private static string CalendarForm(string handler) => $"#external-calendars form[action*={handler}]";

    // What applying the changes did

    /// <summary>"Applying…", "Applied — …", and what was left out.</summary>
    public string ApplyStatus => Document.GetElementById("apply-status").Text();

    /// <summary>Presses "Try again" on a change that couldn't be applied.</summary>
    public Task<HttpResponseMessage> RetryApplyAsync() => SubmitAsync("#apply-status form");

    /// <summary>Taken times that no longer fit the hours (booked, held, blocked), one item each.</summary>
    public IReadOnlyList<IElement> Conflicts => Document.QuerySelectorAll("#conflicts .conflicts li").ToList();

    /// <summary>Every item of the conflicts section, the empty-state line included.</summary>
    public int ConflictsSectionItems => Document.QuerySelectorAll("#conflicts li").Length;

    private static string Day(IsoDayOfWeek day) => "#day-" + day.ToString().ToLowerInvariant();
}

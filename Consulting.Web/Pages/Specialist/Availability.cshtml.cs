using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Consulting.Web.Bookings;
using Consulting.Web.Calendar;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Consulting.Web.Specialists;
using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages.Specialist;

/// <summary>
/// The specialist's availability: settings, booking rules, weekly hours and date exceptions. Every
/// saved change applies by itself (a queued reconcile); the page says when it has.
/// </summary>
public sealed class AvailabilityModel(
    CurrentSpecialist current,
    AvailabilityEditor editor,
    GenerationJobs jobs,
    OfferRules offerRules,
    ExternalCalendarSync calendars,
    Microsoft.Extensions.Options.IOptions<ExternalCalendarOptions> calendarOptions,
    IClock clock) : PageModel
{
    public sealed class CalendarInput
    {
        public string? Name { get; set; }
        public string? Address { get; set; }
    }

    public sealed class SettingsInput
    {
        [Required(ErrorMessage = ZoneLookup.MissingMessage)]
        public ZoneMatch? TimeZoneId { get; set; }
        [Required(ErrorMessage = InputMessages.DateMissing)]
        public LocalDate? ActiveFrom { get; set; }
        public string? BufferMinutes { get; set; }
        [CurrencyFrom(nameof(Currency), Missing = InputMessages.PriceMissing)]
        public Money? Price { get; set; }
        [Required(ErrorMessage = InputMessages.Currency), ListedCurrency]
        public string? Currency { get; set; }
    }

    /// <summary>Empty fields mean the site's default (or, for the cap, none).</summary>
    public sealed class RulesInput
    {
        public string? MinimumNoticeHours { get; set; }
        public string? HorizonDays { get; set; }
        public string? MaxSessionsPerDay { get; set; }
    }

    public sealed class WindowInput
    {
        public LocalTime? Start { get; set; }
        [EndOfDay]
        public LocalTime? End { get; set; }
        public string? SlotMinutes { get; set; } = "60";
        /// <summary>
        /// Empty: the schedule's default price. Read by the page, not a binder: its currency is the
        /// schedule's, which the form doesn't carry.
        /// </summary>
        public string? Price { get; set; }
    }

    public sealed class ExceptionInput
    {
        [Required(ErrorMessage = InputMessages.DateMissing)]
        public LocalDate? Date { get; set; }
        public string Kind { get; set; } = "off";
        public string? Note { get; set; }
        public List<WindowInput> Windows { get; set; } = [new(), new() { SlotMinutes = "" }];
    }

    /// <summary>One weekday row, rendered by _Day for the page and for htmx swaps.</summary>
    public sealed record DayView(AvailabilityModel Page, IsoDayOfWeek Day)
    {
        public string Id => "day-" + Day.ToString().ToLowerInvariant();
        public bool Enabled => Page.Schedule.IsDayEnabled(Day);
        public IReadOnlyList<WeeklyWindow> Windows => Page.Schedule.WindowsOn(Day).ToList();
        /// <summary>Errors and posted values belong to the day whose form was submitted.</summary>
        public bool Active => Page.ActiveDay == Day;
        public WindowInput Input => Active ? Page.Window : new WindowInput();

        /// <summary>Dates in the coming year on which this window has no slot because it falls in a clock change.</summary>
        public IReadOnlyList<LocalDate> GapDates(WeeklyWindow window)
        {
            var schedule = Page.Schedule;
            var dates = Enumerable.Range(0, 371).Select(Page.Today.PlusDays)
                .Where(d => d.DayOfWeek == Day && schedule.Exceptions.All(e => e.Date != d));
            return SlotPlanner.DatesInGap(schedule.Zone, window.Window, schedule.BufferMinutes, dates);
        }
    }

    /// <summary>An edited section, and the status and conflicts that an htmx response updates beside it.</summary>
    public sealed record EditedView(AvailabilityModel Page, string Fragment, object Model);

    public static readonly IsoDayOfWeek[] Week =
    [
        IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday,
        IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday,
    ];

    public SpecialistProfile Specialist { get; private set; } = null!;
    public AvailabilitySchedule Schedule { get; private set; } = null!;
    public BookingRules SiteDefaults => offerRules.SiteDefaults;
    public BookingRules Rules => Schedule.RulesOver(SiteDefaults);
    public IReadOnlyList<ConflictRow> Conflicts { get; private set; } = [];
    public ApplyStatus Status { get; private set; } = new(false, null);
    public LocalDate Today { get; private set; }
    public Instant Now { get; private set; }
    public IsoDayOfWeek? ActiveDay { get; private set; }
    /// <summary>Said beside the settings after a save that changed more than was typed (a zone's older name, cleared window prices).</summary>
    public string? SettingsNotice { get; private set; }

    public SettingsInput Settings { get; private set; } = new();
    public RulesInput RulesForm { get; private set; } = new();
    public WindowInput Window { get; private set; } = new();
    public ExceptionInput NewException { get; private set; } = new();
    public CalendarInput CalendarForm { get; private set; } = new();
    public IReadOnlyList<CalendarRow> Calendars { get; private set; } = [];
    public int CalendarRefreshMinutes => calendarOptions.Value.RefreshMinutes;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        return Page();
    }

    /// <summary>The "Applying… / Applied" status that htmx polls while a change is being applied.</summary>
    public async Task<IActionResult> OnGetStatusAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Response.Headers.Vary = "HX-Request";
        return Request.IsHtmx() ? Partial("_StatusPoll", this) : Page();
    }

    /// <summary>Applies the schedule again after a failed attempt.</summary>
    public async Task<IActionResult> OnPostApplyAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        await jobs.QueueReconcileAsync(Specialist.Id, "retry", ct);
        if (!Request.IsHtmx()) return Redirect(Url.Page("/Specialist/Availability") + "#apply-status");
        await LoadAsync(ct);
        return Partial("_StatusPoll", this);
    }

    public async Task<IActionResult> OnPostSettingsAsync([FromForm(Name = "Settings")] SettingsInput settings, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Settings = settings;
        if (!int.TryParse(settings.BufferMinutes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var buffer))
            ModelState.AddModelError("Settings.BufferMinutes", "Enter the buffer in whole minutes.");
        if (!ModelState.IsValid) return Invalid("_Settings");

        var (zone, activeFrom, price) = (settings.TimeZoneId!, settings.ActiveFrom!.Value, settings.Price!.Value);
        var clearedPrices = false;
        var result = await editor.EditAsync(Specialist.Id,
            (s, now) => clearedPrices = s.UpdateSettings(zone.ZoneId!, activeFrom, buffer, price, now), ct);
        if (result.Succeeded)
        {
            var notes = new[] { zone.Note, clearedPrices ? "Window prices were in your old currency, so those windows now charge your default price." : null };
            SettingsNotice = string.Join(" ", notes.Where(n => n is not null)) is { Length: > 0 } n ? n : null;
        }
        return await AfterEditAsync(result, "Settings", "_Settings", "settings", ct, notice: SettingsNotice);
    }

    public async Task<IActionResult> OnPostRulesAsync([FromForm(Name = "RulesForm")] RulesInput input, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        RulesForm = input;
        int? notice = null, horizon = null, cap = null;
        if (!string.IsNullOrWhiteSpace(input.MinimumNoticeHours))
        {
            if (decimal.TryParse(input.MinimumNoticeHours.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var hours)
                && hours * 60 == decimal.Truncate(hours * 60))
                notice = (int)Math.Min(hours * 60, int.MaxValue);
            else ModelState.AddModelError("RulesForm.MinimumNoticeHours", "Enter hours like 2 or 1.5 (whole minutes), or leave it empty for the site's default.");
        }
        if (!string.IsNullOrWhiteSpace(input.HorizonDays))
        {
            if (int.TryParse(input.HorizonDays.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days)) horizon = days;
            else ModelState.AddModelError("RulesForm.HorizonDays", "Enter a whole number of days, or leave it empty for the site's default.");
        }
        if (!string.IsNullOrWhiteSpace(input.MaxSessionsPerDay))
        {
            if (int.TryParse(input.MaxSessionsPerDay.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max)) cap = max;
            else ModelState.AddModelError("RulesForm.MaxSessionsPerDay", "Enter a whole number of sessions, or leave it empty for no cap.");
        }
        if (!ModelState.IsValid) return Invalid("_Rules");
        var result = await editor.EditAsync(Specialist.Id, (s, now) => s.SetBookingRules(notice, horizon, cap, now), ct);
        return await AfterEditAsync(result, "RulesForm", "_Rules", "rules", ct);
    }

    public async Task<IActionResult> OnPostToggleDayAsync(IsoDayOfWeek day, bool enabled, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !Week.Contains(day)) return NotFound();
        ActiveDay = day;
        var result = await editor.EditAsync(Specialist.Id, (s, now) => s.SetDayEnabled(day, enabled, now), ct);
        return await AfterEditAsync(result, "Window", "_Day", Day(day).Id, ct, Day(day));
    }

    public async Task<IActionResult> OnPostAddWindowAsync(IsoDayOfWeek day, [FromForm(Name = "Window")] WindowInput window, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !Week.Contains(day)) return NotFound();
        (ActiveDay, Window) = (day, window);
        if (!TryReadWindow(window, "Window", out var parsed)) return Invalid("_Day", Day(day));
        var result = await editor.EditAsync(Specialist.Id, (s, now) => s.AddWindow(day, parsed, now), ct);
        if (result.Succeeded) Window = new WindowInput { SlotMinutes = window.SlotMinutes };
        return await AfterEditAsync(result, "Window", "_Day", Day(day).Id, ct, Day(day));
    }

    public async Task<IActionResult> OnPostRemoveWindowAsync(IsoDayOfWeek day, Guid windowId, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !Schedule.Windows.Any(w => w.Id == windowId && w.Weekday == day)) return NotFound();
        ActiveDay = day;
        var result = await editor.EditAsync(Specialist.Id, (s, now) => s.RemoveWindow(windowId, now), ct);
        return await AfterEditAsync(result, "Window", "_Day", Day(day).Id, ct, Day(day));
    }

    public async Task<IActionResult> OnPostAddExceptionAsync([FromForm(Name = "NewException")] ExceptionInput input, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        NewException = input;
        while (input.Windows.Count < 2) input.Windows.Add(new WindowInput { SlotMinutes = "" });
        var date = input.Date;
        if (date < Today) ModelState.AddModelError("NewException.Date", "Choose today or a later date.");
        var available = input.Kind == "hours";
        var windows = new List<TimeWindow>();
        // A day off ignores its windows' fields, whatever they hold.
        if (!available)
            foreach (var key in ModelState.Keys.Where(k => k.StartsWith("NewException.Windows", StringComparison.Ordinal)).ToList())
                ModelState.Remove(key);
        if (available)
        {
            for (var i = 0; i < input.Windows.Count; i++)
            {
                var w = input.Windows[i];
                var blank = w.Start is null && w.End is null;
                if (blank && i > 0) continue;
                if (TryReadWindow(w, $"NewException.Windows[{i}]", out var parsed)) windows.Add(parsed);
            }
        }
        if (!ModelState.IsValid) return Invalid("_Exceptions");
        var result = await editor.EditAsync(Specialist.Id, (s, now) => s.SetException(date!.Value, available, windows, input.Note, now), ct);
        if (result.Succeeded) NewException = new ExceptionInput();
        return await AfterEditAsync(result, "NewException", "_Exceptions", "exceptions", ct);
    }

    public async Task<IActionResult> OnPostRemoveExceptionAsync(LocalDate? date, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || date is not { } day || Schedule.Exceptions.All(e => e.Date != day)) return NotFound();
        var result = await editor.EditAsync(Specialist.Id, (s, now) => s.RemoveException(day, now), ct);
        return await AfterEditAsync(result, "NewException", "_Exceptions", "exceptions", ct);
    }

    /// <summary>The calendar list that htmx polls while a calendar is syncing.</summary>
    public async Task<IActionResult> OnGetCalendarsAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Response.Headers.Vary = "HX-Request";
        return Request.IsHtmx() ? Partial("_CalendarList", this) : Page();
    }

    /// <summary>Adds one of the specialist's own calendars; a worker reads it within seconds.</summary>
    public async Task<IActionResult> OnPostAddCalendarAsync([FromForm(Name = "CalendarForm")] CalendarInput input, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        CalendarForm = input;
        try
        {
            await calendars.AddAsync(Specialist, input.Name, input.Address, ct);
        }
        catch (DomainException e)
        {
            ModelState.AddModelError("CalendarForm." + (e.Field ?? "Address"), e.Message);
            return Invalid("_Calendars");
        }
        CalendarForm = new CalendarInput();
        return await AfterCalendarChangeAsync(ct);
    }

    public async Task<IActionResult> OnPostRemoveCalendarAsync(Guid calendarId, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !await calendars.RemoveAsync(Specialist.Id, calendarId, ct)) return NotFound();
        return await AfterCalendarChangeAsync(ct);
    }

    public async Task<IActionResult> OnPostSyncCalendarAsync(Guid calendarId, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !await calendars.SyncNowAsync(Specialist.Id, calendarId, ct)) return NotFound();
        return await AfterCalendarChangeAsync(ct);
    }

    private async Task<IActionResult> AfterCalendarChangeAsync(CancellationToken ct)
    {
        if (!Request.IsHtmx()) return Redirect(Url.Page("/Specialist/Availability") + "#external-calendars");
        await LoadAsync(ct);
        return Partial("_Calendars", this);
    }

    public DayView Day(IsoDayOfWeek day) => new(this, day);

    /// <summary>A window's price as the page shows it: its own, or the default.</summary>
    public string PriceLabel(TimeWindow window) => Currencies.Format(Schedule.PriceOf(window));

    /// <summary>Dates an exception's window falls wholly in a clock change: its own date, or none.</summary>
    public IReadOnlyList<LocalDate> GapDates(DateException exception, ExceptionWindow window) =>
        SlotPlanner.DatesInGap(Schedule.Zone, window.Window, Schedule.BufferMinutes, [exception.Date]);

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (await current.GetAsync(User, ct) is not { } profile) return false;
        Specialist = profile;
        Schedule = await editor.FindAsync(profile.Id, ct) ?? throw new InvalidOperationException("Every specialist has a schedule.");
        Now = clock.GetCurrentInstant();
        Today = Now.InZone(Schedule.Zone).Date;
        Status = await jobs.StatusAsync(profile.Id, ct);
        Conflicts = await editor.ConflictsAsync(profile.Id, ct);
        Calendars = await calendars.ListAsync(profile.Id, ct);
        Settings = new SettingsInput
        {
            TimeZoneId = new ZoneMatch(Schedule.TimeZoneId, null, null),
            ActiveFrom = Schedule.ActiveFrom,
            BufferMinutes = Schedule.BufferMinutes.ToString(CultureInfo.InvariantCulture),
            Price = Schedule.DefaultPrice,
            Currency = Schedule.Currency,
        };
        RulesForm = new RulesInput
        {
            MinimumNoticeHours = Schedule.MinimumNoticeMinutes is { } m ? (m / 60m).ToString("0.##", CultureInfo.InvariantCulture) : null,
            HorizonDays = Schedule.HorizonDays?.ToString(CultureInfo.InvariantCulture),
            MaxSessionsPerDay = Schedule.MaxSessionsPerDay?.ToString(CultureInfo.InvariantCulture),
        };
        return true;
    }

    private bool TryReadWindow(WindowInput input, string prefix, out TimeWindow window)
    {
        window = default;
        // Empty is a message here, since a blank second window of an exception is no window at all.
        foreach (var (time, field, isEnd) in new[] { (input.Start, ".Start", false), (input.End, ".End", true) })
            if (time is null && ModelState.GetFieldValidationState(prefix + field) != ModelValidationState.Invalid)
                ModelState.AddModelError(prefix + field, TimeInput.Missing(isEnd));
        if (!int.TryParse(input.SlotMinutes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var minutes))
            ModelState.AddModelError(prefix + ".SlotMinutes", "Enter the slot length in minutes.");
        long? price = null;
        if (!string.IsNullOrWhiteSpace(input.Price))
        {
            if (Currencies.TryParseMajor(input.Price, Schedule.Currency, out var minor)) price = minor;
            else ModelState.AddModelError(prefix + ".Price", InputMessages.WindowPrice(Schedule.DefaultPrice));
        }
        if (!ModelState.IsValid) return false;
        window = new TimeWindow(input.Start!.Value, input.End!.Value, minutes, price);
        foreach (var (field, message) in window.Problems()) ModelState.AddModelError($"{prefix}.{field}", message);
        return ModelState.IsValid;
    }

    private IActionResult Invalid(string fragment, object? model = null) =>
        Request.IsHtmx() ? Partial(fragment, model ?? this) : this.InvalidForm();

    /// <summary>
    /// Success: for htmx the refreshed section with the status and conflicts beside it (out of band),
    /// otherwise a redirect back to the section, where the status shows too.
    /// </summary>
    private async Task<IActionResult> AfterEditAsync(EditResult result, string prefix, string fragment, string anchor,
        CancellationToken ct, object? model = null, string? notice = null)
    {
        if (!result.Succeeded)
        {
            ModelState.AddErrors(result.Errors, prefix);
            return Invalid(fragment, model);
        }
        if (!Request.IsHtmx())
        {
            if (notice is not null) TempData["Flash"] = notice;
            return Redirect(Url.Page("/Specialist/Availability") + "#" + anchor);
        }
        await LoadAsync(ct);
        SettingsNotice = notice;
        return Partial("_Edited", new EditedView(this, fragment, model is DayView d ? Day(d.Day) : this));
    }
}

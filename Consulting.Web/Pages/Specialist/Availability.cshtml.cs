using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Consulting.Web.Specialists;
using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Pages.Specialist;

/// <summary>The specialist's availability manager: settings, weekly hours, date exceptions, slot generation.</summary>
public sealed class AvailabilityModel(
    CurrentSpecialist current,
    AvailabilityEditor editor,
    GenerationJobs jobs,
    IClock clock,
    IOptions<SchedulingOptions> scheduling) : PageModel
{
    public sealed class SettingsInput
    {
        public string? TimeZoneId { get; set; }
        public string? ActiveFrom { get; set; }
        public string? BufferMinutes { get; set; }
        public string? Price { get; set; }
        public string? Currency { get; set; }
    }

    public sealed class WindowInput
    {
        public string? Start { get; set; }
        public string? End { get; set; }
        public string? SlotMinutes { get; set; } = "60";
    }

    public sealed class ExceptionInput
    {
        public string? Date { get; set; }
        public string Kind { get; set; } = "off";
        public string? Note { get; set; }
        public List<WindowInput> Windows { get; set; } = [new(), new() { SlotMinutes = "" }];
    }

    public sealed class GenerateInput
    {
        public string? From { get; set; }
        public string? To { get; set; }
        public bool Overwrite { get; set; }
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
    }

    public static readonly IsoDayOfWeek[] Week =
    [
        IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday,
        IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday,
    ];

    public SpecialistProfile Specialist { get; private set; } = null!;
    public AvailabilitySchedule Schedule { get; private set; } = null!;
    public IReadOnlyList<SlotConflict> Conflicts { get; private set; } = [];
    public IReadOnlyList<GenerationJob> RecentJobs { get; private set; } = [];
    public LocalDate Today { get; private set; }
    public IsoDayOfWeek? ActiveDay { get; private set; }

    public SettingsInput Settings { get; private set; } = new();
    public WindowInput Window { get; private set; } = new();
    public ExceptionInput NewException { get; private set; } = new();
    public GenerateInput Generate { get; private set; } = new();

    public bool JobsInProgress => RecentJobs.Any(j => !j.IsFinished);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        return Page();
    }

    /// <summary>The generation status fragment that htmx polls while a job runs.</summary>
    public async Task<IActionResult> OnGetJobsAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        return Request.IsHtmx() ? Partial("_Jobs", this) : Page();
    }

    public async Task<IActionResult> OnPostSettingsAsync([FromForm(Name = "Settings")] SettingsInput settings, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Settings = settings;
        var activeFrom = TimeInput.Date(settings.ActiveFrom);
        if (activeFrom is null) ModelState.AddModelError("Settings.ActiveFrom", "Enter a date.");
        if (!int.TryParse(settings.BufferMinutes, out var buffer)) ModelState.AddModelError("Settings.BufferMinutes", "Enter the buffer in whole minutes.");
        var currency = (settings.Currency ?? "").Trim().ToUpperInvariant();
        if (!Currencies.Common.Contains(currency)) ModelState.AddModelError("Settings.Currency", "Choose one of the listed currencies.");
        else if (!Currencies.TryParseMajor(settings.Price, currency, out _))
            ModelState.AddModelError("Settings.Price", "Enter a price of zero or more, e.g. 100.00 (no negative amounts).");
        if (!TimeZones.IsKnown(settings.TimeZoneId))
            ModelState.AddModelError("Settings.TimeZoneId", $"'{settings.TimeZoneId}' is not a known time zone. Pick one from the list, e.g. Europe/Berlin.");
        if (!ModelState.IsValid) return Invalid("_Settings");

        Currencies.TryParseMajor(settings.Price, currency, out var minor);
        var result = await editor.EditAsync(Specialist.Id,
            (s, now) => s.UpdateSettings(settings.TimeZoneId!.Trim(), activeFrom!.Value, buffer, new Money(minor, currency), now), ct);
        return await AfterEditAsync(result, "Settings", "_Settings", "settings", ct);
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
        var date = TimeInput.Date(input.Date);
        if (date is null) ModelState.AddModelError("NewException.Date", "Enter a date.");
        else if (date < Today) ModelState.AddModelError("NewException.Date", "Choose today or a later date.");
        var available = input.Kind == "hours";
        var windows = new List<TimeWindow>();
        if (available)
        {
            for (var i = 0; i < input.Windows.Count; i++)
            {
                var w = input.Windows[i];
                var blank = string.IsNullOrWhiteSpace(w.Start) && string.IsNullOrWhiteSpace(w.End);
                if (blank && i > 0) continue;
                if (TryReadWindow(w, $"NewException.Windows[{i}]", out var parsed)) windows.Add(parsed);
            }
        }
        if (!ModelState.IsValid) return Invalid("_Exceptions");
        var result = await editor.EditAsync(Specialist.Id, (s, now) => s.SetException(date!.Value, available, windows, input.Note, now), ct);
        if (result.Succeeded) NewException = new ExceptionInput();
        return await AfterEditAsync(result, "NewException", "_Exceptions", "exceptions", ct);
    }

    public async Task<IActionResult> OnPostRemoveExceptionAsync(string date, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || TimeInput.Date(date) is not { } day || Schedule.Exceptions.All(e => e.Date != day)) return NotFound();
        var result = await editor.EditAsync(Specialist.Id, (s, now) => s.RemoveException(day, now), ct);
        return await AfterEditAsync(result, "NewException", "_Exceptions", "exceptions", ct);
    }

    public async Task<IActionResult> OnPostGenerateAsync([FromForm(Name = "Generate")] GenerateInput input, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Generate = input;
        var from = TimeInput.Date(input.From);
        var to = TimeInput.Date(input.To);
        if (from is null) ModelState.AddModelError("Generate.From", "Enter the first date.");
        else if (from < Today) ModelState.AddModelError("Generate.From", "Start today or later; past slots are never generated.");
        if (to is null) ModelState.AddModelError("Generate.To", "Enter the last date.");
        if (!ModelState.IsValid) return Invalid("_Generate");
        try
        {
            await jobs.QueueAsync(Specialist.Id, from!.Value, to!.Value, input.Overwrite, "manual", ct);
        }
        catch (DomainException e)
        {
            ModelState.AddModelError("Generate." + (e.Field ?? "To"), e.Message);
            return Invalid("_Generate");
        }
        if (!Request.IsHtmx())
        {
            TempData["Flash"] = "Slot generation has started. Its progress shows under “Generate slots”.";
            return Redirect(Url.Page("/Specialist/Availability") + "#generate");
        }
        RecentJobs = await jobs.RecentAsync(Specialist.Id, 5, ct);
        return Partial("_Generate", this);
    }

    public DayView Day(IsoDayOfWeek day) => new(this, day);

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (await current.GetAsync(User, ct) is not { } profile) return false;
        Specialist = profile;
        Schedule = await editor.FindAsync(profile.Id, ct) ?? throw new InvalidOperationException("Every specialist has a schedule.");
        Today = clock.GetCurrentInstant().InZone(Schedule.Zone).Date;
        RecentJobs = await jobs.RecentAsync(profile.Id, 5, ct);
        Conflicts = await editor.ConflictsAsync(Schedule, ct);
        Settings = new SettingsInput
        {
            TimeZoneId = Schedule.TimeZoneId,
            ActiveFrom = TimeInput.Format(Schedule.ActiveFrom),
            BufferMinutes = Schedule.BufferMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Price = Currencies.FormatMajor(Schedule.DefaultPrice),
            Currency = Schedule.Currency,
        };
        Generate = new GenerateInput
        {
            From = TimeInput.Format(Today),
            To = TimeInput.Format(Today.PlusDays(scheduling.Value.HorizonDays)),
        };
        return true;
    }

    private bool TryReadWindow(WindowInput input, string prefix, out TimeWindow window)
    {
        window = default;
        var start = TimeInput.Time(input.Start);
        var end = TimeInput.Time(input.End);
        if (start is null) ModelState.AddModelError(prefix + ".Start", "Enter a start time.");
        if (end is null) ModelState.AddModelError(prefix + ".End", "Enter an end time.");
        if (!int.TryParse(input.SlotMinutes, out var minutes))
            ModelState.AddModelError(prefix + ".SlotMinutes", "Enter the slot length in minutes.");
        if (start is null || end is null || !ModelState.IsValid) return false;
        window = new TimeWindow(start.Value, end.Value, minutes);
        foreach (var (field, message) in window.Problems()) ModelState.AddModelError($"{prefix}.{field}", message);
        return ModelState.IsValid;
    }

    private IActionResult Invalid(string fragment, object? model = null) =>
        Request.IsHtmx() ? Partial(fragment, model ?? this) : this.InvalidForm();

    /// <summary>Success: the refreshed fragment for htmx, a redirect back to the section otherwise.</summary>
    private async Task<IActionResult> AfterEditAsync(EditResult result, string prefix, string fragment, string anchor,
        CancellationToken ct, object? model = null)
    {
        if (!result.Succeeded)
        {
            ModelState.AddErrors(result.Errors, prefix);
            return Invalid(fragment, model);
        }
        if (!Request.IsHtmx()) return Redirect(Url.Page("/Specialist/Availability") + "#" + anchor);
        await LoadAsync(ct);
        return Partial(fragment, model is DayView d ? Day(d.Day) : this);
    }
}

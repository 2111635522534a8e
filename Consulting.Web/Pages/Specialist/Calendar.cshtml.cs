using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Consulting.Web.Specialists;
using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages.Specialist;

/// <summary>The specialist's month of slots, with block/unblock in place.</summary>
public sealed class CalendarModel(CurrentSpecialist current, SpecialistCalendar calendar, IClock clock) : PageModel
{
    public sealed record DayCell(CalendarModel Page, CalendarDay Day)
    {
        public string Id => "cal-" + TimeInput.Format(Day.Date);
    }

    public SpecialistProfile Specialist { get; private set; } = null!;
    public MonthView Month { get; private set; } = null!;
    /// <summary>The slot whose form was just submitted, to show its message beside it.</summary>
    public Guid? ActiveSlotId { get; private set; }
    public string? ActiveReason { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? year, int? month, CancellationToken ct)
    {
        if (await current.GetAsync(User, ct) is not { } profile) return NotFound();
        Specialist = profile;
        var today = clock.GetCurrentInstant().InZone(TimeZones.Get(profile.TimeZoneId)).Date;
        if (year is null != month is null || year is < 2000 or > 2100 || month is < 1 or > 12)
            return StatusCode(StatusCodes.Status400BadRequest);
        var shown = year is { } y && month is { } m ? new YearMonth(y, m) : today.ToYearMonth();
        Month = await calendar.MonthAsync(profile.Id, profile.TimeZoneId, shown, ct);
        if (!Request.IsHtmx()) return Page();
        Response.Headers.Vary = "HX-Request";
        return Partial("_Month", this);
    }

    public Task<IActionResult> OnPostBlockAsync(Guid slotId, string? reason, CancellationToken ct) =>
        ChangeAsync(slotId, reason, () => calendar.BlockAsync(Specialist.Id, slotId, reason, ct), ct);

    public Task<IActionResult> OnPostUnblockAsync(Guid slotId, CancellationToken ct) =>
        ChangeAsync(slotId, null, () => calendar.UnblockAsync(Specialist.Id, slotId, ct), ct);

    public string MonthUrl(YearMonth month) => Url.Page("/Specialist/Calendar", new { year = month.Year, month = month.Month })!;

    private async Task<IActionResult> ChangeAsync(Guid slotId, string? reason, Func<Task<SlotChange>> change, CancellationToken ct)
    {
        if (await current.GetAsync(User, ct) is not { } profile) return NotFound();
        Specialist = profile;
        (ActiveSlotId, ActiveReason) = (slotId, reason);
        SlotChange outcome;
        try
        {
            outcome = await change();
        }
        catch (DomainException e)
        {
            ModelState.AddModelError("Reason", e.Message);
            outcome = SlotChange.Done;
        }
        if (outcome == SlotChange.NotFound) return NotFound();
        if (outcome == SlotChange.NoLongerFree)
            ModelState.AddModelError("Slot", "This slot changed in the meantime (a customer may have just booked it).");

        var day = await calendar.DayOfSlotAsync(profile.Id, profile.TimeZoneId, slotId, ct);
        if (day is null) return NotFound();
        if (Request.IsHtmx()) return Partial("_CalendarDay", new DayCell(this, day));
        if (ModelState.IsValid)
            return Redirect(MonthUrl(day.Date.ToYearMonth()) + "#cal-" + TimeInput.Format(day.Date));

        Month = await calendar.MonthAsync(profile.Id, profile.TimeZoneId, day.Date.ToYearMonth(), ct);
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }
}

using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Scheduling;
using Htmx;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages.Bookings;

/// <summary>The customer picks another time with the same specialist (signed manage link).</summary>
[BookingAccess(BookingLinks.Manage)]
public sealed class RescheduleModel(BookingLinks links, BookingChanges changes, WeekViews weeks) : BookingPageModel
{
    public string? Refusal { get; private set; }
    public IReadOnlyList<SlotCell>? Alternatives { get; private set; }
    public WeekGrid? Grid { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, LocalDate? week, string? tz, CancellationToken ct)
    {
        await ShowWeekAsync(id, week, tz, ct);
        if (Request.IsHtmx() && Grid is not null)
        {
            Response.Headers.Vary = "HX-Request";
            return Partial("_WeekGrid", Grid);
        }
        return Page();
    }

    [HandlerRateLimit(WebUi.BookingRateLimit)]
    public async Task<IActionResult> OnPostAsync(Guid id, string? tz, Guid slotId, CancellationToken ct)
    {
        await ShowWeekAsync(id, null, tz, ct);
        switch (await changes.RescheduleAsync(id, slotId, Actor.Customer(Data.Booking.CustomerUserId), ct))
        {
            case ChangeOutcome.Done done:
                TempData["Flash"] = $"Your session is now on {ZoneDisplay.DateTime(done.Booking.Start, done.Booking.CustomerTimeZoneId)}. A new invite is on its way.";
                return Redirect(links.BookingPath(done.Booking));
            case ChangeOutcome.Taken taken:
                var zone = TimeZones.Get(Grid!.Zone.Id);
                Alternatives = taken.Alternatives.Select(s => SlotCell.For(s, zone)).ToList();
                return Conflict();
            case ChangeOutcome.Refused refused:
                Refusal = refused.Message;
                return Conflict();
            default:
                return NotFound();
        }
    }

    private PageResult Conflict() => this.PageWithStatus(StatusCodes.Status409Conflict);

    /// <summary>The week of the specialist's open times to move to, unless the booking can't move.</summary>
    private async Task ShowWeekAsync(Guid id, LocalDate? week, string? tz, CancellationToken ct)
    {
        var data = Data;
        Refusal = changes.RescheduleRefusal(data.Booking, ActorRole.Customer);
        if (Refusal is null)
        {
            // Times in the customer's zone (from checkout) unless they pick another.
            var zone = ZoneLookup.TryFind(tz, out var picked) ? new ViewerZone(picked, ZoneSource.Picked)
                : new ViewerZone(data.Booking.CustomerTimeZoneId, ZoneSource.Account, string.IsNullOrWhiteSpace(tz) ? null : tz.Trim());
            ViewData["ViewerZone"] = zone;
            var view = await weeks.WeekAsync(data.Specialist.Id, zone.Id, week, ct);
            var path = BookingLinks.BookingPagePath(id, "reschedule");
            Grid = new WeekGrid(view, zone, path, new Dictionary<string, string?> { ["t"] = Token },
                $"{path}?t={Uri.EscapeDataString(Token)}&tz={Uri.EscapeDataString(zone.Id)}", "Move to");
        }
    }
}

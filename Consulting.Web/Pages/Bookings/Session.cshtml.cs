using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Specialists;
using Htmx;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages.Bookings;

/// <summary>
/// The session page: the time in the viewer's zone, a countdown, and a join button that works from
/// <see cref="JoinOpensBefore"/> before the start until the end. For the customer (signed link or
/// account) and the booking's specialist.
/// </summary>
public sealed class SessionModel(BookingService bookings, CurrentSpecialist current, UserManager<Data.AppUser> users, IClock clock) : PageModel
{
    public static readonly Duration JoinOpensBefore = Duration.FromMinutes(10);

    public BookingPageData Data { get; private set; } = null!;
    public string Token { get; private set; } = "";
    public Instant Now { get; private set; }
    public bool ForSpecialist { get; private set; }

    public string ViewerZone => ForSpecialist ? Data.Specialist.TimeZoneId : Data.Booking.CustomerTimeZoneId;
    public Instant JoinOpensAt => Data.Booking.Start - JoinOpensBefore;
    public bool CanJoin => Data.Booking.Status == BookingStatus.Confirmed && Now >= JoinOpensAt && Now < Data.Booking.End && Data.Booking.Meeting is not null;
    public bool Ended => Now >= Data.Booking.End;

    public async Task<IActionResult> OnGetAsync(Guid id, string? t, CancellationToken ct)
    {
        var userId = users.GetUserId(User);
        var (data, check) = await bookings.OpenAsync(id, t, BookingLinks.View, userId, ct);
        if (check == LinkCheck.Invalid) (data, check) = await bookings.OpenAsync(id, t, BookingLinks.Manage, userId, ct);
        // The booking's own specialist, signed in, needs no link.
        if (data is null && await current.GetAsync(User, ct) is { } specialist
            && await bookings.OpenForSpecialistAsync(id, specialist.Id, ct) is { } own)
            (data, check, ForSpecialist) = (own, LinkCheck.Valid, true);
        if (check == LinkCheck.Expired && data is null) return StatusCode(StatusCodes.Status410Gone);
        if (data is null) return NotFound();
        (Data, Token, Now) = (data, t ?? "", clock.GetCurrentInstant());
        Response.Headers.CacheControl = "no-store";
        if (!Request.IsHtmx()) return Page();
        Response.Headers.Vary = "HX-Request";
        return Partial("_Join", this);
    }
}

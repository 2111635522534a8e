using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Meetings;
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
[BookingAccess(BookingLinks.View, BookingLinks.Manage, SpecialistToo = true)]
public sealed class SessionModel(BookingService bookings, CurrentSpecialist current, IClock clock) : BookingPageModel
{
    public static readonly Duration JoinOpensBefore = Duration.FromMinutes(10);

    public Instant Now { get; private set; }

    public string ViewerZone => ForSpecialist ? Data.Specialist.TimeZoneId : Data.Booking.CustomerTimeZoneId;
    public Instant JoinOpensAt => Data.Booking.Start - JoinOpensBefore;
    public bool CanJoin => Data.Booking.Status == BookingStatus.Confirmed && Now >= JoinOpensAt && Now < Data.Booking.End && Data.Booking.Meeting is not null;
    public bool Ended => Now >= Data.Booking.End;

    public IActionResult OnGet()
    {
        Now = clock.GetCurrentInstant();
        Response.Headers.CacheControl = "no-store";
        if (!Request.IsHtmx()) return Page();
        Response.Headers.Vary = "HX-Request";
        return Partial("_Join", this);
    }

    /// <summary>
    /// The specialist's "Start the meeting" (on this page and in their emails): a host link asked of
    /// the provider at the moment of the click, as Zoom's expire two hours after they are issued.
    /// </summary>
    [OwnAccessRule]
    public async Task<IActionResult> OnGetHostAsync(Guid id, [FromServices] IMeetingProvider provider,
        [FromServices] ILogger<SessionModel> log, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true) return Challenge();
        if (await current.GetAsync(User, ct) is not { } specialist
            || await bookings.OpenForSpecialistAsync(id, specialist.Id, ct) is not { } own) return NotFound();
        var sessionPage = Url.Page("/Bookings/Session", new { id = id.ToString("N") })!;
        var b = own.Booking;
        if (b.Status != BookingStatus.Confirmed || b.Meeting is not { } meeting || clock.GetCurrentInstant() >= b.End) return Redirect(sessionPage);
        try
        {
            return Redirect(await provider.HostUrlAsync(meeting, ct) ?? meeting.JoinUrl);
        }
        catch (MeetingProviderException e)
        {
            log.LogWarning(e, "No host link for booking {BookingId}", id);
            var service = meeting.Provider == ZoomMeetingProvider.ProviderName ? "Zoom" : meeting.Provider;
            TempData["Flash"] = $"{e.Message} You can still join with the meeting link and sign in to {service} as the host.";
            return Redirect(sessionPage);
        }
    }
}

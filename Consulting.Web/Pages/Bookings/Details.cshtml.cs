using Consulting.Web.Bookings;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Bookings;

/// <summary>A booking's own page (the confirmation): reached by its signed link or by its signed-in customer.</summary>
public sealed class DetailsModel(BookingService bookings, BookingChanges changes, Web.Notifications.EmailComposer calendar,
    UserManager<Data.AppUser> users, NodaTime.IClock clock) : PageModel
{
    public Web.Notifications.CustomerCalendar? Calendar { get; private set; }
    public BookingPageData Data { get; private set; } = null!;
    public string Token { get; private set; } = "";
    /// <summary>A fresh manage token while the booking can still be changed; null otherwise.</summary>
    public string? ManageToken { get; private set; }
    public bool CanReschedule { get; private set; }
    public int PolicyHours => (int)changes.Policy.Window.TotalHours;

    public async Task<IActionResult> OnGetAsync(Guid id, string? t, CancellationToken ct)
    {
        // The page opens from the confirmation (view link) and from the emails' manage links.
        var (data, check) = await bookings.OpenAsync(id, t, BookingLinks.View, users.GetUserId(User), ct);
        if (check == LinkCheck.Invalid) (data, check) = await bookings.OpenAsync(id, t, BookingLinks.Manage, users.GetUserId(User), ct);
        if (check == LinkCheck.Expired) return StatusCode(StatusCodes.Status410Gone);
        if (data is null) return NotFound();
        (Data, Token) = (data, t ?? "");
        var b = data.Booking;
        if (b.Status is Domain.BookingStatus.Confirmed or Domain.BookingStatus.Cancelled)
            Calendar = await calendar.CustomerCalendarAsync(b.Id, ct);
        if (b.Status == Domain.BookingStatus.Confirmed && clock.GetCurrentInstant() < b.Start)
        {
            ManageToken = bookings.ManageToken(b);
            CanReschedule = changes.CanReschedule(b, Domain.ActorRole.Customer);
        }
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    /// <summary>The booking's .ics (the same one its emails carry), from the same signed link.</summary>
    public async Task<IActionResult> OnGetInviteAsync(Guid id, string? t, CancellationToken ct)
    {
        var (data, check) = await bookings.OpenAsync(id, t, BookingLinks.View, users.GetUserId(User), ct);
        if (check == LinkCheck.Invalid) (data, check) = await bookings.OpenAsync(id, t, BookingLinks.Manage, users.GetUserId(User), ct);
        if (check == LinkCheck.Expired) return StatusCode(StatusCodes.Status410Gone);
        if (data is null || await calendar.CustomerCalendarAsync(id, ct) is not { Ics: { } ics }) return NotFound();
        Response.Headers.CacheControl = "no-store";
        return File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar; charset=utf-8", "consulting-session.ics");
    }
}

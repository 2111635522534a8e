using Consulting.Web.Bookings;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages.Bookings;

/// <summary>"My bookings": the signed-in customer's sessions, upcoming or past, in their zone.</summary>
[Authorize]
public sealed class IndexModel(CustomerBookings bookings, UserManager<AppUser> users, IClock clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public bool Past { get; set; }
    [BindProperty(SupportsGet = true)] public BookingStatus? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public Paged<CustomerBookingRow> Result { get; private set; } = null!;
    public string ZoneId { get; private set; } = "UTC";
    public Instant Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return BadRequest();
        var user = await users.GetUserAsync(User);
        if (user is null) return Challenge();
        var zone = ViewerZones.Resolve(HttpContext, null, user.TimeZoneId);
        (ZoneId, ViewData["ViewerZone"]) = (zone.Id, zone);
        Now = clock.GetCurrentInstant();
        Result = await bookings.ListAsync(user.Id, ZoneId, new BookingFilter(Past, Status, null, null, PageNumber), ct);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public string ListUrl(int page) => Url.Page("/Bookings/Index", new { Past, Status, p = page })!;
}

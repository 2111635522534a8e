using Consulting.Web.Bookings;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Bookings;

/// <summary>A booking's own page (the confirmation): reached by its signed link or by its signed-in customer.</summary>
public sealed class DetailsModel(BookingService bookings, UserManager<Data.AppUser> users) : PageModel
{
    public BookingPageData Data { get; private set; } = null!;
    public string Token { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, string? t, CancellationToken ct)
    {
        var (data, check) = await bookings.OpenAsync(id, t, BookingLinks.View, users.GetUserId(User), ct);
        if (check == LinkCheck.Expired) return StatusCode(StatusCodes.Status410Gone);
        if (data is null) return NotFound();
        (Data, Token) = (data, t ?? "");
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}

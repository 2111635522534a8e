using System.Security.Claims;
using Consulting.Web.Bookings;
using Consulting.Web.Specialists;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

// In the pages' root namespace: every booking and checkout PageModel sees it without a using.
namespace Consulting.Web.Pages;

/// <summary>A booking page's answer to "may this request see the booking?".</summary>
/// <param name="Data">The booking, when it may; null otherwise.</param>
/// <param name="Check">How its link checked (Valid when the account or ownership opened it).</param>
/// <param name="ForSpecialist">Opened by the booking's own specialist, signed in.</param>
public sealed record BookingAccess(BookingPageData? Data, LinkCheck Check, bool ForSpecialist = false)
{
    /// <summary>When <see cref="Data"/> is null: 410 for a link that has expired, else 404 (nothing is told about a booking one may not see).</summary>
    public IActionResult Refusal => Check == LinkCheck.Expired ? new StatusCodeResult(StatusCodes.Status410Gone) : new NotFoundResult();
}

/// <summary>
/// The one way a page opens a booking: its customer by account or by a link signed for one of the
/// page's purposes (tried in order: the confirmation link opens what the manage link opens), and,
/// where the page allows it, its specialist by ownership. Every booking and checkout page asks here.
/// </summary>
public sealed class BookingDoor(BookingService bookings, CurrentSpecialist specialists, UserManager<Data.AppUser> users)
{
    public async Task<BookingAccess> OpenAsync(ClaimsPrincipal user, Guid id, string? token, IReadOnlyList<string> purposes,
        bool specialistToo, CancellationToken ct)
    {
        var userId = users.GetUserId(user);
        var access = new BookingAccess(null, LinkCheck.Invalid);
        foreach (var purpose in purposes)
        {
            var (data, check) = await bookings.OpenAsync(id, token, purpose, userId, ct);
            access = new BookingAccess(data, check);
            if (check != LinkCheck.Invalid) break;
        }
        // The booking's own specialist, signed in, needs no link.
        if (access.Data is null && specialistToo && await specialists.GetAsync(user, ct) is { } specialist
            && await bookings.OpenForSpecialistAsync(id, specialist.Id, ct) is { } own)
            return new BookingAccess(own, LinkCheck.Valid, ForSpecialist: true);
        return access;
    }
}

using Consulting.Web.Bookings;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Consulting.Web.Reviews;
using Consulting.Web.Scheduling;
using Consulting.Web.Specialists;
using Htmx;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using NodaTime;

namespace Consulting.Web.Pages.Specialists;

/// <summary>A specialist's public page: profile and a week of open slots in the viewer's zone.</summary>
public sealed class ProfileModel(
    SpecialistDirectory directory,
    WeekViews weeks,
    ReviewService reviews) : PageModel
{
    public PublicProfile Specialist { get; private set; } = null!;
    public WeekView Week { get; private set; } = null!;
    public ViewerZone Zone { get; private set; } = null!;
    public IReadOnlyList<PublicReview> LatestReviews { get; private set; } = [];
    /// <summary>Set when the chosen slot was just taken: the nearest open times instead.</summary>
    public IReadOnlyList<SlotCell>? Alternatives { get; private set; }
    /// <summary>Set when the specialist tried to book their own time.</summary>
    public bool OwnSlotRefused { get; private set; }

    /// <param name="taken">The slot a hold just lost (post/redirect/get from <see cref="OnPostHoldAsync"/>): the page says so and offers the nearest times.</param>
    public async Task<IActionResult> OnGetAsync(string slug, LocalDate? week, string? tz, Guid? taken, [FromServices] BookingService booking, CancellationToken ct)
    {
        if (!await LoadAsync(slug, week, tz, ct)) return NotFound();
        if (!Request.IsHtmx())
        {
            if (taken is { } slotId && await booking.InsteadOfAsync(Specialist.Profile.Id, slotId, ct) is { } instead)
            {
                var zone = Domain.TimeZones.Get(Zone.Id);
                Alternatives = instead.Select(s => SlotCell.For(s, zone)).ToList();
                Response.Headers.CacheControl = "no-store";
            }
            LatestReviews = await reviews.LatestAsync(Specialist.Profile.Id, ct);
            return Page();
        }
        Response.Headers.Vary = "HX-Request";
        return Partial("_WeekGrid", Grid);
    }

    [HandlerRateLimit(WebUi.BookingRateLimit)]
    public async Task<IActionResult> OnPostHoldAsync(string slug, Guid slotId, string? tz, LocalDate? week, [FromServices] BookingService booking,
        [FromServices] UserManager<AppUser> users, CancellationToken ct)
    {
        // Hold first: the winner goes straight to checkout; only a loser needs the page (and its queries).
        var zoneId = ZoneLookup.TryFind(tz, out var picked) ? picked : ViewerZones.Resolve(HttpContext, null, null).Id;
        var outcome = await booking.HoldAsync(slotId, users.GetUserId(User), zoneId, ct);
        if (outcome is HoldOutcome.Held held)
            return Redirect(BookingLinks.CheckoutPath(held.Booking.Id, booking.CheckoutToken(held.Booking)));
        // The refusal shows the week the visitor was looking at, under that week's own address.
        if (!await LoadAsync(slug, week, tz, ct)) return NotFound();
        if (outcome is HoldOutcome.OwnSlot && Specialist.Profile.UserId == users.GetUserId(User))
        {
            ViewData["PageUrl"] = Grid.WeekUrl(Week.WeekStart);
            OwnSlotRefused = true;
            LatestReviews = await reviews.LatestAsync(Specialist.Profile.Id, ct);
            var page = Page();
            page.StatusCode = StatusCodes.Status403Forbidden;
            return page;
        }
        if (outcome is HoldOutcome.Taken taken && taken.SpecialistId != Specialist.Profile.Id || outcome is not (HoldOutcome.Taken or HoldOutcome.NoSuchSlot))
            return NotFound();
        // Post/redirect/get: the week page at its own address says the time was taken (the GET finds
        // the nearest times again), so a refresh doesn't post the choice a second time.
        Response.Headers.Location = QueryHelpers.AddQueryString(Grid.WeekUrl(Week.WeekStart), "taken", slotId.ToString("N"));
        return StatusCode(StatusCodes.Status303SeeOther);
    }

    public WeekGrid Grid => new(Week, Zone, $"/specialists/{Specialist.Profile.Slug}", new Dictionary<string, string?>(),
        Url.Page("/Specialists/Profile", "Hold", new { slug = Specialist.Profile.Slug, tz = Zone.Id })!, "Book");

    private async Task<bool> LoadAsync(string slug, LocalDate? week, string? tz, CancellationToken ct)
    {
        if (await directory.ProfileAsync(slug, ct) is not { } profile) return false;
        Specialist = profile;
        Zone = await ViewerZones.ResolveAsync(HttpContext, tz);
        ViewerZones.Remember(HttpContext, Zone);
        ViewData["ViewerZone"] = Zone;
        Week = await weeks.WeekAsync(profile.Profile.Id, Zone.Id, week, ct);
        return true;
    }
}

using Consulting.Web.Data;
using Consulting.Web.Reviews;
using Consulting.Web.Scheduling;
using Consulting.Web.Specialists;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Specialists;

/// <summary>What the review list partial needs, on the profile and on the reviews page.</summary>
public sealed record ReviewList(IReadOnlyList<PublicReview> Reviews, string Slug, string ZoneId);

/// <summary>All of a specialist's visible reviews, newest first, paged; signed-in visitors can report one.</summary>
public sealed class ReviewsModel(SpecialistDirectory directory, ReviewService reviews) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public PublicProfile Specialist { get; private set; } = null!;
    public Paged<PublicReview> Result { get; private set; } = null!;
    public string ZoneId { get; private set; } = "UTC";

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await directory.ProfileAsync(slug, ct) is not { } profile) return NotFound();
        Specialist = profile;
        ZoneId = ViewerZones.Resolve(HttpContext, null, null).Id;
        Result = await reviews.PageAsync(profile.Profile.Id, PageNumber, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostReportAsync(string slug, Guid reviewId, string? reason, CancellationToken ct)
    {
        // Reports come from accounts, so a flood can be traced and the form isn't an anonymous spam target.
        if (User.Identity?.IsAuthenticated != true) return Challenge();
        if (await directory.ProfileAsync(slug, ct) is not { } profile) return NotFound();
        if (!await reviews.ReportAsync(profile.Profile.Id, reviewId, reason, ct)) return NotFound();
        TempData["Flash"] = "Thanks for letting us know. An administrator will look at this review.";
        return Redirect($"/specialists/{slug}/reviews");
    }

    public string PageUrl(int page) => Url.Page("/Specialists/Reviews", new { slug = Specialist.Profile.Slug, p = page })!;
}

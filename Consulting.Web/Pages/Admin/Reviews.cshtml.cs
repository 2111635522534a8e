using Consulting.Web.Data;
using Consulting.Web.Reviews;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Admin;

/// <summary>Review moderation: reported reviews first; hide, show again, or dismiss the report.</summary>
public sealed class ReviewsModel(ReviewService reviews) : PageModel
{
    [BindProperty(SupportsGet = true)] public ModerationFilter Show { get; set; } = ModerationFilter.Reported;
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public Paged<ModerationRow> Result { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return BadRequest();
        Result = await reviews.ModerationAsync(Show, PageNumber, ct);
        return Page();
    }

    public Task<IActionResult> OnPostHideAsync(Guid reviewId, CancellationToken ct) =>
        ModerateAsync(reviewId, ReviewService.Moderation.Hide, "Review hidden; it no longer counts towards the rating.", ct);

    public Task<IActionResult> OnPostUnhideAsync(Guid reviewId, CancellationToken ct) =>
        ModerateAsync(reviewId, ReviewService.Moderation.Unhide, "Review shown again.", ct);

    public Task<IActionResult> OnPostDismissAsync(Guid reviewId, CancellationToken ct) =>
        ModerateAsync(reviewId, ReviewService.Moderation.DismissReport, "Report dismissed; the review stays up.", ct);

    public string PageUrl(int page) => Url.Page("/Admin/Reviews", new { Show, p = page })!;

    private async Task<IActionResult> ModerateAsync(Guid reviewId, ReviewService.Moderation action, string done, CancellationToken ct)
    {
        if (!ModelState.IsValid) return BadRequest();
        if (!await reviews.ModerateAsync(reviewId, action, ct)) return NotFound();
        TempData["Flash"] = done;
        return Redirect(PageUrl(PageNumber));
    }
}

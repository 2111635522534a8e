using Consulting.Web.Notifications;
using Htmx;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Notifications;

/// <summary>The signed-in user's notifications, newest first; the unread badge is a fragment of this page.</summary>
[Authorize]
public sealed class IndexModel(InAppNotifications notifications, UserManager<Data.AppUser> users) : PageModel
{
    /// <summary>Raised (HX-Trigger) after marking read, so the badge in the layout refreshes itself.</summary>
    public const string ChangedEvent = "notifications-changed";

    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;
    public NotificationPage Result { get; private set; } = null!;
    public int Unread { get; private set; }

    private string UserId => users.GetUserId(User)!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Result = await notifications.PageAsync(UserId, PageNumber, ct);
        return Page();
    }

    /// <summary>The unread badge for the layout; a plain request gets the whole page.</summary>
    public async Task<IActionResult> OnGetBadgeAsync(CancellationToken ct)
    {
        if (!Request.IsHtmx()) return await OnGetAsync(ct);
        Unread = await notifications.UnreadCountAsync(UserId, ct);
        Response.Headers.Vary = "HX-Request";
        Response.Headers.CacheControl = "no-store";
        return Partial("_Badge", Unread);
    }

    public async Task<IActionResult> OnPostReadAsync(Guid id, CancellationToken ct)
    {
        if (!await notifications.MarkReadAsync(UserId, id, ct)) return NotFound();
        return await AfterChangeAsync(ct);
    }

    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken ct)
    {
        await notifications.MarkAllReadAsync(UserId, ct);
        return await AfterChangeAsync(ct);
    }

    private async Task<IActionResult> AfterChangeAsync(CancellationToken ct)
    {
        if (!Request.IsHtmx()) return Redirect(Url.Page("/Notifications/Index", new { p = PageNumber })!);
        Result = await notifications.PageAsync(UserId, PageNumber, ct);
        Response.Htmx(h => h.WithTrigger(ChangedEvent));
        return Partial("_List", this);
    }
}

using Consulting.Web.Notifications;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Admin;

/// <summary>Notifications that could not be delivered after every retry.</summary>
public sealed class NotificationsModel(OutboxAdmin outbox) : PageModel
{
    public IReadOnlyList<FailedDelivery> Failed { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Failed = await outbox.FailedAsync(ct);

    public async Task<IActionResult> OnPostRetryAsync(Guid deliveryId, CancellationToken ct)
    {
        if (!await outbox.RetryAsync(deliveryId, ct)) return NotFound();
        TempData["Flash"] = "The message will be sent again within a minute.";
        return Redirect("/admin/notifications");
    }
}

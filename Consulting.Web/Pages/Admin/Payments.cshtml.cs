using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Payments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Admin;

/// <summary>All payments, newest first, with a status filter and refunds by hand.</summary>
public sealed class PaymentsModel(AdminPayments payments) : PageModel
{
    [BindProperty(SupportsGet = true)] public PaymentStatus? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public Data.Paged<PaymentRow> Result { get; private set; } = null!;
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return BadRequest();
        Result = await payments.ListAsync(Status, PageNumber, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRefundAsync(Guid paymentId, string? reason, CancellationToken ct)
    {
        Error = await payments.RefundAsync(paymentId, reason, ct);
        if (Error is null)
        {
            TempData["Flash"] = "Refund issued.";
            return Redirect(PageUrl(PageNumber));
        }
        Result = await payments.ListAsync(Status, PageNumber, ct);
        return this.PageWithStatus(StatusCodes.Status409Conflict);
    }

    public string PageUrl(int page) => Url.Page("/Admin/Payments", new { Status, p = page })!;
}

using Consulting.Web.Bookings;
using Consulting.Web.Hosting;
using Consulting.Web.Payments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Admin;

/// <summary>One booking as support needs it: times, customer, history, payments and refunds, messages, review.</summary>
public sealed class BookingDetailsModel(AdminBookings bookings, AdminPayments payments) : PageModel
{
    public AdminBookingDetail Detail { get; private set; } = null!;
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await bookings.DetailAsync(id, ct) is not { } detail) return NotFound();
        Detail = detail;
        return Page();
    }

    public async Task<IActionResult> OnPostRefundAsync(Guid id, Guid paymentId, string? reason, CancellationToken ct)
    {
        if (await bookings.DetailAsync(id, ct) is not { } detail || detail.Payments.All(p => p.Id != paymentId)) return NotFound();
        Error = await payments.RefundAsync(paymentId, reason, ct);
        if (Error is null)
        {
            TempData["Flash"] = "Refund issued.";
            return Redirect(Url.Page("/Admin/BookingDetails", new { id })!);
        }
        Detail = detail;
        return this.PageWithStatus(StatusCodes.Status409Conflict);
    }
}

using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Bookings;

/// <summary>Cancelling, from the signed manage link: the page states the refund before the customer confirms.</summary>
[BookingAccess(BookingLinks.Manage)]
public sealed class CancelModel(BookingLinks links, BookingChanges changes) : BookingPageModel
{
    public RefundDecision Refund { get; private set; }
    public string? Refusal { get; private set; }
    public bool Paid => Data.Payment?.Status == PaymentStatus.Succeeded;
    public CancellationPolicy Policy => changes.Policy;

    [BindProperty]
    public string? Reason { get; set; }

    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (Reason is { Length: > 500 } || !PlainText.IsMultiLine(Reason))
        {
            ModelState.AddModelError(nameof(Reason), Reason is { Length: > 500 } ? "Keep the reason under 500 characters." : PlainText.MultiLineMessage);
            var invalid = Page();
            invalid.StatusCode = StatusCodes.Status400BadRequest;
            return invalid;
        }
        switch (await changes.CancelAsync(id, Actor.Customer(Data.Booking.CustomerUserId), Reason, ct))
        {
            case ChangeOutcome.Done done:
                TempData["Flash"] = Policy.CancelledMessage(done.Booking.Cancellation?.Refund ?? RefundDecision.None, done.Booking.Price, Paid);
                return Redirect(links.BookingPath(done.Booking));
            case ChangeOutcome.Refused refused:
                Refusal = refused.Message;
                return this.PageWithStatus(StatusCodes.Status409Conflict);
            default:
                return NotFound();
        }
    }

    protected internal override Task<IActionResult?> OpenedAsync(CancellationToken ct)
    {
        Refund = changes.PreviewCancel(Data.Booking, ActorRole.Customer);
        if (Data.Booking.Status is not (BookingStatus.Confirmed or BookingStatus.Pending))
            Refusal = $"This booking is already {Booking.Describe(Data.Booking.Status)}.";
        return Task.FromResult<IActionResult?>(null);
    }
}

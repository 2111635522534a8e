using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Payments;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using System.Text.RegularExpressions;

namespace Consulting.Web.Pages.Checkout;

/// <summary>The built-in test provider's card page (only while Stripe isn't configured).</summary>
[BookingAccess(BookingLinks.Checkout)]
public sealed partial class TestCardModel(BookingService bookings, BookingLinks links, IPaymentGateway gateway) : BookingPageModel
{
    public sealed class CardInput
    {
        public string? Number { get; set; }
        public string? Expiry { get; set; }
        public string? Cvc { get; set; }
    }

    public bool HoldEnded { get; private set; }

    [BindProperty]
    public CardInput Card { get; set; } = new();

    public IActionResult OnGet(Guid id)
    {
        // Back from the booking page, or a second tab: a paid booking has nothing left to pay.
        return Data.Booking.Status == BookingStatus.Confirmed ? RedirectToBooking(id) : Page();
    }

    [HandlerRateLimit(WebUi.BookingRateLimit)]
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        // Every problem at once: the number, the expiry and the code are checked before answering.
        if (string.IsNullOrWhiteSpace(Card.Number)) ModelState.AddModelError("Card.Number", "Enter the card number.");
        if (!ExpiryFormat().IsMatch(Card.Expiry ?? "")) ModelState.AddModelError("Card.Expiry", "Enter the expiry as MM/YY, e.g. 12/34.");
        if (!CvcFormat().IsMatch(Card.Cvc ?? "")) ModelState.AddModelError("Card.Cvc", "Enter the 3-digit security code.");
        if (!ModelState.IsValid) return this.InvalidForm();

        switch (await bookings.PayWithTestCardAsync(id, Card.Number, ct))
        {
            case TestCardOutcome.Paid:
            case TestCardOutcome.NotPending { Status: BookingStatus.Confirmed }:
                return RedirectToBooking(id);
            case TestCardOutcome.Declined declined:
                ModelState.AddModelError("Card.Number", declined.Message);
                return this.InvalidForm();
            default:
                HoldEnded = true;
                return this.PageWithStatus(StatusCodes.Status409Conflict);
        }
    }

    private RedirectResult RedirectToBooking(Guid id) =>
        Redirect(links.BookingPath(Data.Booking));

    protected internal override Task<IActionResult?> OpenedAsync(CancellationToken ct)
    {
        IActionResult? answer = gateway is not TestPaymentGateway ? NotFound()
            : Data.Payment is null ? Redirect(BookingLinks.CheckoutPath(Data.Booking.Id, Token))
            : null;
        HoldEnded = Data.Booking.Status == BookingStatus.Expired;
        return Task.FromResult(answer);
    }

    [GeneratedRegex(@"^\s*(0[1-9]|1[0-2])\s*/\s*\d{2}\s*$")]
    private static partial Regex ExpiryFormat();

    [GeneratedRegex(@"^\s*\d{3,4}\s*$")]
    private static partial Regex CvcFormat();
}

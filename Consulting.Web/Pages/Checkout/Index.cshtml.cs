using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Payments;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages.Checkout;

/// <summary>Checkout: the customer's details, the price and the time in both zones, then payment.</summary>
[BookingAccess(BookingLinks.Checkout)]
public sealed class IndexModel(BookingService bookings, BookingLinks links, IPaymentGateway gateway, IClock clock) : BookingPageModel
{
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string? Email { get; set; }
        public string? Phone { get; set; }
        public string? Notes { get; set; }
    }

    public bool IsTestMode => gateway.IsTestMode;
    public Instant Now { get; private set; }
    public bool HoldEnded => Data.Booking.Status == BookingStatus.Expired || Data.Booking.IsHoldExpired(Now);

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public IActionResult OnGet()
    {
        if (Data.Booking.Status == BookingStatus.Confirmed) return RedirectToBooking();
        var b = Data.Booking;
        Input = new InputModel { Name = b.CustomerName, Email = b.CustomerEmail, Phone = b.CustomerPhone, Notes = b.Notes };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var problems = CustomerDetails.Problems(Input.Name, Input.Email, Input.Phone, Data.Booking.CustomerTimeZoneId, Input.Notes);
        if (problems.Count > 0)
        {
            // The domain's message is the one to show for its field (model validation's generic one would stand beside it).
            foreach (var e in problems) ModelState.Remove(e.Field is null ? "" : "Input." + e.Field);
            foreach (var e in problems) ModelState.AddModelError(e.Field is null ? "" : "Input." + e.Field, e.Message);
            return this.InvalidForm();
        }
        var details = new CustomerDetails(Input.Name, Input.Email, Input.Phone, Data.Booking.CustomerTimeZoneId, Input.Notes);
        var outcome = await bookings.StartPaymentAsync(id, details, ct);
        switch (outcome)
        {
            case PaymentStartOutcome.Redirect go:
                return Redirect(go.Url);
            case PaymentStartOutcome.NotPending { Status: BookingStatus.Confirmed }:
                return RedirectToBooking();
            default:
                // The hold ran out (or the booking expired) while the form was open: the page says so.
                await ReopenAsync(ct);
                Now = clock.GetCurrentInstant();
                return this.PageWithStatus(StatusCodes.Status409Conflict);
        }
    }

    private IActionResult RedirectToBooking() =>
        Redirect(links.BookingPath(Data.Booking));

    protected internal override Task<IActionResult?> OpenedAsync(CancellationToken ct)
    {
        Now = clock.GetCurrentInstant();
        // Opened by the customer's account: the page's forms still carry a checkout link.
        if (Token.Length == 0) Token = bookings.CheckoutToken(Data.Booking);
        return Task.FromResult<IActionResult?>(null);
    }
}

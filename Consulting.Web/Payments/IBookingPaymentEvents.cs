namespace Consulting.Web.Payments;

/// <summary>
/// What a payment provider's event means for the booking it paid for. Payments asks, Bookings answers
/// (<c>Bookings/BookingPaymentEvents.cs</c>), so the folders point one way: Bookings uses Payments, never back.
/// </summary>
public interface IBookingPaymentEvents
{
    /// <summary>The booking's checkout ended unpaid while the booking was still pending: its hold ends.</summary>
    Task CheckoutExpiredAsync(Guid bookingId, CancellationToken ct);

    /// <summary>The payment was refunded in full at the provider, not by us: the session is off.</summary>
    Task RefundedAtProviderAsync(Guid bookingId, Guid refundedPaymentId, CancellationToken ct);
}

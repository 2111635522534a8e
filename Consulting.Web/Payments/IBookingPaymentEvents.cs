namespace Consulting.Web.Payments;

/// <summary>
/// What a payment provider's event means for the booking it paid for. Payments asks, Bookings answers
/// (<c>Bookings/BookingPaymentEvents.cs</c>), so the folders point one way: Bookings uses Payments, never back.
/// </summary>
public interface IBookingPaymentEvents
{
    /// <summary>The booking's checkout ended unpaid while the booking was still pending: its hold ends.</summary>
    Task CheckoutExpiredAsync(Guid bookingId, CancellationToken ct);
}

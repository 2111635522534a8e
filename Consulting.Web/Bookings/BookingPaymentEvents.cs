using Consulting.Web.Payments;

namespace Consulting.Web.Bookings;

/// <summary>The booking's side of a payment provider's event (<see cref="IBookingPaymentEvents"/>).</summary>
public sealed class BookingPaymentEvents(HoldExpiry holds) : IBookingPaymentEvents
{
    public Task CheckoutExpiredAsync(Guid bookingId, CancellationToken ct) => holds.ExpireAsync(bookingId, ct);
}

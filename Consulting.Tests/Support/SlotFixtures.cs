using System.Reflection;
using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Support;

public static class SlotFixtures
{
    /// <summary>Confirms a booking with a payment that succeeded at <paramref name="at"/>, as a payment's outcome does.</summary>
    public static Payment ConfirmPaid(this Booking booking, Instant at)
    {
        var payment = Payment.Start(booking.Id, booking.Price, "test", at);
        payment.MarkSucceeded(null, at);
        booking.Confirm(payment, at);
        return payment;
    }

    /// <summary>
    /// Puts a slot into the state the hold writers' conditional UPDATE leaves it in (held for a
    /// booking until a time), for tests that need a held slot without going through a hold. The rule
    /// for when a slot may be held is the SQL's own (<c>Scheduling/OfferRules</c>, tested in
    /// <c>Bookings/HoldWriterTests</c> and <c>Bookings/OfferRulesTests</c>): production has no C# path
    /// to a held slot, so neither do these fixtures pretend to check one.
    /// </summary>
    public static Slot MarkHeld(this Slot slot, Guid bookingId, Instant until)
    {
        Set(slot, nameof(Slot.State), SlotState.Held);
        Set(slot, nameof(Slot.BookingId), (Guid?)bookingId);
        Set(slot, nameof(Slot.HeldUntil), (Instant?)until);
        return slot;
    }

    private static void Set(Slot slot, string property, object? value) =>
        typeof(Slot).GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.SetValue(slot, value);
}

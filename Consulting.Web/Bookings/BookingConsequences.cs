using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>
/// What the bookings' side records after an event: the slot a cancelled or expired booking held is
/// open again, and a payment refunded in full at the provider cancels the session it paid for.
/// </summary>
public sealed class BookingConsequences(AppDbContext db, IClock clock, IOptions<BookingOptions> options) : IConsequence
{
    public Task RecordAsync(IDomainEvent e, CancellationToken ct) => e switch
    {
        BookingCancelled c => ReleaseSlotAsync(c.Booking, ct),
        HoldExpired x => ReleaseSlotAsync(x.Booking, ct),
        PaymentRefundedAtProvider r => CancelAfterProviderRefundAsync(r.Payment, ct),
        _ => Task.CompletedTask,
    };

    private async Task ReleaseSlotAsync(Booking booking, CancellationToken ct)
    {
        var slot = await db.Slots.SingleOrDefaultAsync(s => s.Id == booking.SlotId, ct);
        // Checked on the tracked values: the slot may have changed in this same unit of work.
        if (slot is not null && slot.BookingId == booking.Id && slot.State is SlotState.Held or SlotState.Booked)
            slot.Release(booking.Id);
    }

    /// <summary>
    /// The session is cancelled as a specialist's cancellation would be (slot free, meeting deleted,
    /// both told, cancel invites), with nothing more to refund.
    /// </summary>
    private async Task CancelAfterProviderRefundAsync(Payment refunded, CancellationToken ct)
    {
        // A payment, a reschedule or another cancel of this booking waits for this one, and the reverse.
        await db.LockRowAsync<Booking>(refunded.BookingId, ct);
        var booking = await db.Bookings.SingleAsync(b => b.Id == refunded.BookingId, ct);
        if (booking.Status != BookingStatus.Confirmed) return;
        // Another payment still pays for it (the refunded one was a duplicate): the session stands.
        var payments = await db.Payments.Where(p => p.BookingId == booking.Id).ToListAsync(ct);
        if (payments.Any(p => p.Id != refunded.Id && p.Status == PaymentStatus.Succeeded)) return;
        var now = clock.GetCurrentInstant();
        // A session that has ended can't be cancelled; the refund stays recorded on its payment.
        if (now >= booking.End) return;
        booking.Cancel(Actor.System, CancellationPolicy.ProviderRefundReason, now, options.Value.Policy);
    }
}

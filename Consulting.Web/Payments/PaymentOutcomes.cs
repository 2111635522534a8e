using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Payments;

/// <summary>Identifies a payment by whichever id a provider event carries.</summary>
public sealed record PaymentRef(
    Guid? PaymentId = null, Guid? BookingId = null, string? CheckoutSessionId = null,
    string? PaymentIntentId = null, string? ChargeId = null);

public enum PaymentApplied
{
    Confirmed,
    /// <summary>Already applied (a repeated or late duplicate event): nothing changed.</summary>
    AlreadyApplied,
    /// <summary>Paid after the hold ran out and the time had been taken: refunded in full.</summary>
    Refunded,
    /// <summary>No payment matches the reference.</summary>
    Unknown,
}

/// <summary>
/// What a payment's outcome does to its booking — the one place that confirms a paid booking,
/// whether the news comes from the test card page or a Stripe webhook, once or many times, in any
/// order. Every method can run again with the same result.
/// </summary>
/// <remarks>
/// Nothing here calls an outside service: callers may hold a database transaction. Meetings and
/// refunds are recorded as work on the booking / refund rows and done afterwards (<see cref="FollowUps"/>).
/// </remarks>
public sealed class PaymentOutcomes(AppDbContext db, IClock clock)
{
    private const int Attempts = 3;

    public Task<PaymentApplied> SucceededAsync(PaymentRef reference, string? chargeId, CancellationToken ct) =>
        RetryOnConflictAsync(() => ApplySucceededAsync(reference, chargeId, ct));

    public Task<PaymentApplied> FailedAsync(PaymentRef reference, string reason, CancellationToken ct) =>
        RetryOnConflictAsync(async () =>
        {
            var payment = await FindAsync(reference, ct);
            if (payment is null) return PaymentApplied.Unknown;
            // A failure reported after (or alongside) a success changes nothing.
            if (payment.Status is not (PaymentStatus.Pending or PaymentStatus.Failed)) return PaymentApplied.AlreadyApplied;
            var changed = payment.MarkFailed(reason);
            await db.SaveChangesAsync(ct);
            return changed ? PaymentApplied.Confirmed : PaymentApplied.AlreadyApplied;
        });

    /// <summary>
    /// The provider reports part of the charge refunded, <paramref name="totalRefundedMinor"/> in all
    /// (a partial refund in Stripe's dashboard): recorded on the payment, which stays paid.
    /// </summary>
    public Task<PaymentApplied> PartlyRefundedAsync(PaymentRef reference, long totalRefundedMinor, CancellationToken ct) =>
        RetryOnConflictAsync(async () =>
        {
            var payment = await FindAsync(reference, ct);
            if (payment is null) return PaymentApplied.Unknown;
            var changed = payment.RecordProviderPartialRefund(totalRefundedMinor, clock.GetCurrentInstant());
            await db.SaveChangesAsync(ct);
            return changed ? PaymentApplied.Refunded : PaymentApplied.AlreadyApplied;
        });

    /// <summary>The provider says the charge was refunded (e.g. charge.refunded).</summary>
    public Task<PaymentApplied> RefundedAsync(PaymentRef reference, CancellationToken ct) =>
        RetryOnConflictAsync(async () =>
        {
            var payment = await FindAsync(reference, ct);
            if (payment is null) return PaymentApplied.Unknown;
            if (payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.RefundPending or PaymentStatus.Refunded))
                return PaymentApplied.AlreadyApplied;
            var changed = payment.ReconcileRefunded(clock.GetCurrentInstant());
            await db.SaveChangesAsync(ct);
            return changed ? PaymentApplied.Refunded : PaymentApplied.AlreadyApplied;
        });

    public async Task<Payment?> FindAsync(PaymentRef r, CancellationToken ct)
    {
        if (r.PaymentId is { } id) return await db.Payments.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (r.CheckoutSessionId is { } session && await db.Payments.SingleOrDefaultAsync(p => p.CheckoutSessionId == session, ct) is { } bySession)
            return bySession;
        if (r.PaymentIntentId is { } intent && await db.Payments.SingleOrDefaultAsync(p => p.PaymentIntentId == intent, ct) is { } byIntent)
            return byIntent;
        if (r.ChargeId is { } charge && await db.Payments.FirstOrDefaultAsync(p => p.ChargeId == charge, ct) is { } byCharge)
            return byCharge;
        if (r.BookingId is { } bookingId)
            return await db.Payments.Where(p => p.BookingId == bookingId).OrderByDescending(p => p.CreatedAt).FirstOrDefaultAsync(ct);
        return null;
    }

    private async Task<PaymentApplied> ApplySucceededAsync(PaymentRef reference, string? chargeId, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var payment = await FindAsync(reference, ct);
        if (payment is null) return PaymentApplied.Unknown;
        if (payment.BelongsToOtherCheckout(reference.CheckoutSessionId, reference.PaymentIntentId))
        {
            // Money from a checkout no row stands for (found by its booking): it gets a row of its
            // own, so neither payment's ids are lost and the second one is refunded below.
            payment = Payment.Start(payment.BookingId, payment.Amount, payment.Provider, now);
            db.Payments.Add(payment);
        }
        payment.AttachProviderIds(reference.CheckoutSessionId, reference.PaymentIntentId);
        payment.MarkSucceeded(chargeId, now);

        var booking = await db.Bookings.SingleAsync(b => b.Id == payment.BookingId, ct);
        if (booking.Status is BookingStatus.Confirmed or BookingStatus.Completed or BookingStatus.NoShow)
        {
            // Paid through a second checkout of the same booking: that money goes back.
            var paidElsewhere = await db.Payments.AnyAsync(p => p.BookingId == booking.Id && p.Id != payment.Id
                && (p.Status == PaymentStatus.Succeeded || p.Status == PaymentStatus.RefundPending || p.Status == PaymentStatus.Refunded), ct);
            if (!paidElsewhere || payment.Status != PaymentStatus.Succeeded)
            {
                await db.SaveChangesAsync(ct);
                return PaymentApplied.AlreadyApplied;
            }
            return await RefundAsync(payment, booking, "This booking was already paid", ct);
        }
        if (payment.Status is PaymentStatus.RefundPending or PaymentStatus.Refunded)
        {
            await db.SaveChangesAsync(ct);
            return PaymentApplied.AlreadyApplied;
        }

        var slot = await db.Slots.SingleAsync(s => s.Id == booking.SlotId, ct);
        var stillOurs = (slot.State == SlotState.Held && slot.BookingId == booking.Id) || slot.State == SlotState.Available;
        if (booking.Status is (BookingStatus.Pending or BookingStatus.Expired) && stillOurs)
        {
            slot.Book(booking.Id);
            // The confirmation and the receipt are recorded with it (Notifier, as a consequence).
            booking.Confirm(payment, now);
            await db.SaveChangesAsync(ct);
            return PaymentApplied.Confirmed;
        }

        // Paid, but the time is gone (or the booking was cancelled): give the money back.
        return await RefundAsync(payment, booking, "The time was no longer available when the payment arrived", ct);
    }

    /// <summary>Records the refund; the refund job sends it to the provider and tells the customer once it is done.</summary>
    private async Task<PaymentApplied> RefundAsync(Payment payment, Booking booking, string reason, CancellationToken ct)
    {
        payment.RequestRefund(reason, clock.GetCurrentInstant());
        await db.SaveChangesAsync(ct);
        return PaymentApplied.Refunded;
    }

    /// <summary>Status columns are concurrency tokens: the loser of a race reloads and decides again.</summary>
    private async Task<PaymentApplied> RetryOnConflictAsync(Func<Task<PaymentApplied>> apply)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await apply();
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Payments;

/// <summary>
/// What the payments' side records after an event: a cancellation the policy refunds in full asks for
/// the refund of what was paid (sent by <see cref="RefundJobs"/>), and an expired hold asks for its
/// open checkouts to be ended (by <see cref="CheckoutEndings"/>).
/// </summary>
public sealed class PaymentConsequences(AppDbContext db, IClock clock) : IConsequence
{
    public Task RecordAsync(IDomainEvent e, CancellationToken ct) => e switch
    {
        BookingCancelled { Booking.Cancellation: { Refund: RefundDecision.Full } cancellation } c =>
            ForEachPaymentAsync(c.Booking, PaymentStatus.Succeeded, p => p.RequestRefund(CancellationPolicy.RefundReason(cancellation.ByRole), clock.GetCurrentInstant()), ct),
        HoldExpired x => ForEachPaymentAsync(x.Booking, PaymentStatus.Pending, p => p.EndCheckout(clock.GetCurrentInstant()), ct),
        _ => Task.CompletedTask,
    };

    private async Task ForEachPaymentAsync(Booking booking, PaymentStatus status, Action<Payment> change, CancellationToken ct)
    {
        var payments = await db.Payments.Where(p => p.BookingId == booking.Id).ToListAsync(ct);
        // The tracked values decide: a payment refunded at the provider in this same save is not refunded again.
        foreach (var payment in payments.Where(p => p.Status == status)) change(payment);
    }
}

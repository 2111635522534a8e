using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Payments;

/// <summary>
/// A cancellation the policy refunds in full asks for the refund of what was paid; the refund job
/// (<see cref="RefundJobs"/>) sends it to the provider from the recorded row.
/// </summary>
public sealed class PaymentConsequences(AppDbContext db, IClock clock) : IConsequence
{
    public async Task RecordAsync(IDomainEvent e, CancellationToken ct)
    {
        if (e is not BookingCancelled { Booking.Cancellation: { Refund: RefundDecision.Full } cancellation } cancelled) return;
        var payments = await db.Payments.Where(p => p.BookingId == cancelled.Booking.Id).ToListAsync(ct);
        // The tracked values decide: a payment refunded at the provider in this same save is not refunded again.
        foreach (var paid in payments.Where(p => p.Status == PaymentStatus.Succeeded))
            paid.RequestRefund(CancellationPolicy.RefundReason(cancellation.ByRole), clock.GetCurrentInstant());
    }
}

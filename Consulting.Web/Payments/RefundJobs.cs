using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Payments;

/// <summary>
/// Sends pending refunds to the payment provider. Each refund row is claimed with a conditional
/// update and sent with its own idempotency key, so running the job twice (or two instances at
/// once, or again after a crash) refunds once.
/// </summary>
public sealed class RefundJobs(
    AppDbContext db,
    IPaymentGateway gateway,
    Notifier notifier,
    IClock clock,
    ILogger<RefundJobs> log)
{
    public const int MaxAttempts = 5;
    public static readonly Duration Lease = Duration.FromMinutes(5);
    public static readonly Duration RetryDelay = Duration.FromMinutes(1);

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var due = await db.Refunds.AsNoTracking()
            .Where(r => r.Status == RefundStatus.Pending && r.NextAttemptAt <= now && (r.LeaseUntil == null || r.LeaseUntil <= now))
            .OrderBy(r => r.NextAttemptAt).Select(r => r.Id).Take(100).ToListAsync(ct);
        var sent = 0;
        foreach (var id in due)
            if (await RunAsync(id, ct)) sent++;
        return sent;
    }

    private async Task<bool> RunAsync(Guid refundId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetCurrentInstant();
        var claimed = await db.Refunds
            .Where(r => r.Id == refundId && r.Status == RefundStatus.Pending && r.NextAttemptAt <= now && (r.LeaseUntil == null || r.LeaseUntil <= now))
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.LeaseUntil, now + Lease)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1), ct);
        if (claimed == 0) return false;

        var payment = await db.Payments.SingleAsync(p => p.Refunds.Any(r => r.Id == refundId), ct);
        var refund = payment.Refunds.Single(r => r.Id == refundId);
        RefundOutcome outcome;
        try
        {
            outcome = await gateway.RefundAsync(payment, refund, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = new RefundOutcome(false, null, e.Message);
        }

        var booking = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == payment.BookingId, ct);
        if (outcome.Succeeded)
        {
            payment.CompleteRefund(refund.Id, outcome.ProviderRefundId, clock.GetCurrentInstant());
            await notifier.RefundProcessedAsync(booking, payment, refund, ct);
        }
        else
        {
            log.LogWarning("Refund {RefundId} of payment {PaymentId} failed (attempt {Attempt}): {Error}",
                refund.Id, payment.Id, refund.Attempts, outcome.Error);
            payment.RefundAttemptFailed(refund.Id, outcome.Error ?? "The refund failed.", clock.GetCurrentInstant(), MaxAttempts, RetryDelay);
        }
        await db.SaveChangesAsync(ct);
        return outcome.Succeeded;
    }
}

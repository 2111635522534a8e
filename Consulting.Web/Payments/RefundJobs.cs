using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Payments;

/// <summary>
/// Sends pending refunds to the payment provider. Each refund row is claimed through
/// <see cref="WorkRunner"/> and sent with its own idempotency key, so running the job twice (or two
/// instances at once, or again after a crash) refunds once.
/// </summary>
public sealed class RefundJobs(
    AppDbContext db,
    WorkRunner runner,
    IPaymentGateway gateway,
    IClock clock,
    ILogger<RefundJobs> log) : IWorkKind<Refund, Guid>
{
    public const int MaxAttempts = 5;
    public static readonly Duration RetryDelay = Duration.FromMinutes(1);

    public static readonly WorkTable<Refund, Guid> Table = new(
        "Refund", r => r.Id, r => r.Status == RefundStatus.Pending, r => r.NextAttemptAt, r => r.Attempts,
        new RetryPolicy(RetryDelay, Duration.FromHours(1), MaxAttempts));

    WorkTable<Refund, Guid> IWorkKind<Refund, Guid>.Table => Table;

    /// <summary>Sends every due refund; returns how many the provider accepted.</summary>
    public Task<int> RunDueAsync(CancellationToken ct) => runner.RunDueAsync(this, ct);

    /// <summary>Sends the due refunds of one booking's payments now (the request that asked for them); no others.</summary>
    public async Task RunForBookingAsync(Guid bookingId, CancellationToken ct)
    {
        var refunds = await (from r in db.Refunds.AsNoTracking()
                             join p in db.Payments on EF.Property<Guid>(r, "PaymentId") equals p.Id
                             where p.BookingId == bookingId && r.Status == RefundStatus.Pending
                             select r.Id).ToListAsync(ct);
        foreach (var id in refunds) await runner.RunIfDueAsync(this, id, ct);
    }

    public async Task<bool> RunAsync(WorkLease<Guid> lease, CancellationToken ct)
    {
        var payment = await db.Payments.SingleAsync(p => p.Refunds.Any(r => r.Id == lease.Key), ct);
        var refund = payment.Refunds.Single(r => r.Id == lease.Key);
        RefundOutcome outcome;
        try
        {
            outcome = await gateway.RefundAsync(payment, refund, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = new RefundOutcome(false, null, e.Message);
        }

        if (outcome.Succeeded)
        {
            // The customer's "we refunded" message is recorded with it (Notifier, as a consequence).
            payment.CompleteRefund(refund.Id, outcome.ProviderRefundId, clock.GetCurrentInstant());
        }
        else
        {
            log.LogWarning("Refund {RefundId} of payment {PaymentId} failed (attempt {Attempt}): {Error}",
                refund.Id, payment.Id, refund.Attempts, outcome.Error);
            payment.RefundAttemptFailed(refund.Id, outcome.Error ?? "The refund failed.", clock.GetCurrentInstant(), Table.Retry);
        }
        // Recorded even when the host is stopping: the provider has acted on it.
        return await lease.CompleteAsync(CancellationToken.None) && outcome.Succeeded;
    }
}

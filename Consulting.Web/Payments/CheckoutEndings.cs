using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Payments;

/// <summary>
/// Ends at the provider the open checkouts of bookings whose hold ran out (recorded on the payment by
/// <see cref="PaymentConsequences"/> when the booking expired), each claimed through
/// <see cref="WorkRunner"/> so one instance asks once, and a failure is retried with back-off.
/// </summary>
public sealed class CheckoutEndings(AppDbContext db, WorkRunner runner, IPaymentGateway gateway, IClock clock,
    ILogger<CheckoutEndings> log) : IWorkKind<Payment, Guid>
{
    /// <summary>Retried 1, 2, 4 … minutes apart, five times: a checkout left open only risks a payment that is then refunded.</summary>
    public static readonly WorkTable<Payment, Guid> Table = new(
        "Checkout ending", p => p.Id, p => p.CheckoutEndDueAt != null, p => p.CheckoutEndDueAt, p => p.CheckoutEndAttempts,
        new RetryPolicy(Duration.FromMinutes(1), Duration.FromHours(1), MaxAttempts: 5),
        ownerColumn: "CheckoutEndLeaseOwner", untilColumn: "CheckoutEndLeaseUntil");

    WorkTable<Payment, Guid> IWorkKind<Payment, Guid>.Table => Table;

    public Task<int> RunDueAsync(CancellationToken ct) => runner.RunDueAsync(this, ct);

    public async Task<bool> RunAsync(WorkLease<Guid> lease, CancellationToken ct)
    {
        var payment = await db.Payments.SingleAsync(p => p.Id == lease.Key, ct);
        var ended = false;
        try
        {
            await gateway.CancelCheckoutAsync(payment, ct);
            payment.CheckoutEnded();
            ended = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not end the checkout of payment {PaymentId} (attempt {Attempt})", payment.Id, payment.CheckoutEndAttempts);
            payment.CheckoutEndFailed(clock.GetCurrentInstant(), Table.Retry);
        }
        // Recorded even when the host is stopping: the provider has acted on it.
        return await lease.CompleteAsync(CancellationToken.None) && ended;
    }
}

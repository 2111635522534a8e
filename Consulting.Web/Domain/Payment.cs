using NodaTime;

namespace Consulting.Web.Domain;

public enum PaymentStatus
{
    Pending = 0,
    Succeeded = 1,
    Failed = 2,
    RefundPending = 3,
    Refunded = 4,
}

public enum RefundStatus
{
    Pending = 0,
    Succeeded = 1,
    Failed = 2,
}

public sealed class Refund
{
    public Guid Id { get; private set; }
    public long AmountMinor { get; private set; }
    public string Reason { get; private set; } = "";
    public RefundStatus Status { get; private set; }
    /// <summary>Sent with the provider request so a retried job refunds once.</summary>
    public string IdempotencyKey { get; private set; } = "";
    public string? ProviderRefundId { get; private set; }
    public Instant RequestedAt { get; private set; }
    public Instant? CompletedAt { get; private set; }
    public string? LastError { get; private set; }
    /// <summary>Provider calls made so far (each claim by the refund job counts one; it retries with back-off).</summary>
    public int Attempts { get; private set; }
    public Instant NextAttemptAt { get; private set; }

    private Refund() { }

    internal Refund(long amountMinor, string reason, string idempotencyKey, Instant now)
    {
        Id = Guid.NewGuid();
        AmountMinor = amountMinor;
        Reason = reason;
        Status = RefundStatus.Pending;
        IdempotencyKey = idempotencyKey;
        RequestedAt = now;
        NextAttemptAt = now;
    }

    internal void Succeed(string? providerRefundId, Instant now) =>
        (Status, ProviderRefundId, CompletedAt, LastError) = (RefundStatus.Succeeded, providerRefundId ?? ProviderRefundId, now, null);

    internal void Fail(string error, Instant now) => (Status, LastError, CompletedAt) = (RefundStatus.Failed, error, now);

    internal void Retry(string error, Instant at) => (LastError, NextAttemptAt) = (error, at);
}

/// <summary>The payment for a booking, with the provider's ids and any refunds.</summary>
public sealed class Payment : EventSource
{
    /// <summary>A status as people read it ("Refund pending", never the enum's "RefundPending").</summary>
    public static string Describe(PaymentStatus status) => status switch
    {
        PaymentStatus.RefundPending => "Refund pending",
        _ => status.ToString(),
    };

    /// <summary>Failure reasons of payments whose checkout has ended: nothing left to end at the provider.</summary>
    public const string ReplacedCheckout = "Replaced by a new checkout", ExpiredCheckout = "Checkout expired";

    private readonly List<Refund> _refunds = [];

    public Guid Id { get; private set; }
    public Guid BookingId { get; private set; }
    public long AmountMinor { get; private set; }
    public string Currency { get; private set; } = "USD";
    /// <summary>"test" for the built-in provider, "stripe" for Stripe.</summary>
    public string Provider { get; private set; } = "";
    public PaymentStatus Status { get; private set; }
    public string? CheckoutSessionId { get; private set; }
    public string? PaymentIntentId { get; private set; }
    public string? ChargeId { get; private set; }
    public string? FailureReason { get; private set; }
    public Instant CreatedAt { get; private set; }
    public Instant? SucceededAt { get; private set; }
    /// <summary>When the provider is (next) asked to end this payment's open checkout; null when nothing is left to end.</summary>
    public Instant? CheckoutEndDueAt { get; private set; }
    /// <summary>Tries of ending the checkout so far (each claim by the job counts one).</summary>
    public int CheckoutEndAttempts { get; private set; }

    public IReadOnlyList<Refund> Refunds => _refunds;
    public Money Amount => new(AmountMinor, Currency);
    public long RefundedMinor => _refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.AmountMinor);

    private Payment() { }

    public static Payment Start(Guid bookingId, Money amount, string provider, Instant now)
    {
        if (string.IsNullOrWhiteSpace(provider)) throw new DomainException("A payment needs a provider.");
        return new Payment
        {
            Id = Guid.NewGuid(),
            BookingId = bookingId,
            AmountMinor = amount.Minor,
            Currency = amount.Currency,
            Provider = provider,
            Status = PaymentStatus.Pending,
            CreatedAt = now,
        };
    }

    /// <summary>
    /// Records the provider's ids once: a payment row stands for one checkout, so ids of another
    /// checkout never overwrite them (<see cref="BelongsToOtherCheckout"/> tells them apart).
    /// </summary>
    public void AttachProviderIds(string? checkoutSessionId, string? paymentIntentId)
    {
        if (BelongsToOtherCheckout(checkoutSessionId, paymentIntentId))
            throw new DomainException("Those provider ids belong to another checkout than this payment's.");
        CheckoutSessionId ??= checkoutSessionId;
        PaymentIntentId ??= paymentIntentId;
    }

    /// <summary>Whether the ids name a different checkout (or PaymentIntent) than the one this payment already has.</summary>
    public bool BelongsToOtherCheckout(string? checkoutSessionId, string? paymentIntentId) =>
        (checkoutSessionId is not null && CheckoutSessionId is not null && checkoutSessionId != CheckoutSessionId)
        || (paymentIntentId is not null && PaymentIntentId is not null && paymentIntentId != PaymentIntentId);

    /// <summary>Money taken. Returns false when it was already recorded (a repeated webhook).</summary>
    public bool MarkSucceeded(string? chargeId, Instant now)
    {
        if (Status is PaymentStatus.Succeeded or PaymentStatus.RefundPending or PaymentStatus.Refunded)
        {
            ChargeId ??= chargeId;
            return false;
        }
        Status = PaymentStatus.Succeeded;
        ChargeId = chargeId ?? ChargeId;
        FailureReason = null;
        SucceededAt = now;
        return true;
    }

    /// <summary>
    /// Its booking's hold ran out unpaid: the provider is asked (by a job, retried) to end the open
    /// checkout, so the customer can't pay for a time that is no longer kept for them.
    /// </summary>
    public void EndCheckout(Instant now)
    {
        if (Status != PaymentStatus.Pending) return;
        (CheckoutEndDueAt, CheckoutEndAttempts) = (now, 0);
    }

    public void CheckoutEnded() => (CheckoutEndDueAt, CheckoutEndAttempts) = (null, 0);

    /// <summary>
    /// The provider didn't answer: try again as <paramref name="retry"/> says, and then stop — a
    /// payment that still lands is confirmed or refunded when it does.
    /// </summary>
    public void CheckoutEndFailed(Instant now, RetryPolicy retry) => CheckoutEndDueAt = retry.NextAttempt(CheckoutEndAttempts, now);

    /// <summary>A declined attempt; the customer may try again while the hold lasts.</summary>
    public bool MarkFailed(string reason)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? "The payment was declined." : reason.Trim();
        if (Status == PaymentStatus.Failed && FailureReason == why) return false;
        if (Status != PaymentStatus.Pending && Status != PaymentStatus.Failed)
            throw new DomainException("A payment that went through can't fail afterwards.");
        Status = PaymentStatus.Failed;
        FailureReason = why;
        return true;
    }

    /// <summary>Starts a full refund of what remains; the provider call happens in a job.</summary>
    public Refund RequestRefund(string reason, Instant now)
    {
        PlainText.RequireMultiLine(reason, "Reason");
        if (Status != PaymentStatus.Succeeded)
            throw new DomainException(Status switch
            {
                PaymentStatus.RefundPending => "A refund is already in progress.",
                PaymentStatus.Refunded => "This payment has already been refunded.",
                _ => "Only a completed payment can be refunded.",
            });
        var refund = new Refund(AmountMinor - RefundedMinor, string.IsNullOrWhiteSpace(reason) ? "Refund" : reason.Trim(), NextRefundKey(), now);
        _refunds.Add(refund);
        Status = PaymentStatus.RefundPending;
        return refund;
    }

    /// <summary>The provider confirmed the refund. Returns false when it was already recorded.</summary>
    public bool CompleteRefund(Guid refundId, string? providerRefundId, Instant now)
    {
        var refund = _refunds.FirstOrDefault(r => r.Id == refundId) ?? throw new DomainException("Unknown refund.");
        if (refund.Status == RefundStatus.Succeeded) return false;
        // A refund we recorded as failed was replaced by a new request; only the pending one may complete.
        if (refund.Status != RefundStatus.Pending) throw new DomainException("That refund failed and was not retried under its key.");
        refund.Succeed(providerRefundId, now);
        Status = PaymentStatus.Refunded;
        Raise(new RefundCompleted(this, refund));
        return true;
    }

    /// <summary>The provider reports the charge refunded (e.g. charge.refunded) without a request of ours pending.</summary>
    public bool ReconcileRefunded(Instant now)
    {
        if (Status == PaymentStatus.Refunded) return false;
        if (Status is not (PaymentStatus.Succeeded or PaymentStatus.RefundPending))
            throw new DomainException("Only a completed payment can be refunded.");
        var pending = _refunds.FirstOrDefault(r => r.Status == RefundStatus.Pending);
        // With none of our refunds in flight, somebody refunded it at the provider: the session is off.
        if (pending is null) Raise(new PaymentRefundedAtProvider(this));
        (pending ?? AddExternalRefund(now)).Succeed(null, now);
        Status = PaymentStatus.Refunded;
        return true;
    }

    /// <summary>
    /// The provider reports <paramref name="totalRefundedMinor"/> refunded in all, less than the
    /// whole amount, without a request of ours: what is new is recorded as a completed refund and
    /// the payment stays succeeded. Returns false when nothing was new.
    /// </summary>
    public bool RecordProviderPartialRefund(long totalRefundedMinor, Instant now)
    {
        if (Status != PaymentStatus.Succeeded) return false;
        if (totalRefundedMinor >= AmountMinor) throw new DomainException("A refund of the whole amount is not partial.");
        var added = totalRefundedMinor - RefundedMinor;
        if (added <= 0) return false;
        var refund = new Refund(added, "Partly refunded at the payment provider", NextRefundKey(), now);
        refund.Succeed(null, now);
        _refunds.Add(refund);
        return true;
    }

    /// <summary>
    /// A provider call for a pending refund failed: try again as <paramref name="retry"/> says, and
    /// once it has no attempts left give up (the payment is then "succeeded" again, for an admin to look at).
    /// </summary>
    public void RefundAttemptFailed(Guid refundId, string error, Instant now, RetryPolicy retry)
    {
        var refund = _refunds.FirstOrDefault(r => r.Id == refundId) ?? throw new DomainException("Unknown refund.");
        if (refund.Status != RefundStatus.Pending) throw new DomainException("That refund is no longer pending.");
        if (retry.NextAttempt(refund.Attempts, now) is { } next) refund.Retry(error, next);
        else RefundFailed(refundId, error, now);
    }

    public void RefundFailed(Guid refundId, string error, Instant now)
    {
        var refund = _refunds.FirstOrDefault(r => r.Id == refundId) ?? throw new DomainException("Unknown refund.");
        if (refund.Status != RefundStatus.Pending) throw new DomainException("That refund is no longer pending.");
        refund.Fail(error, now);
        Status = PaymentStatus.Succeeded;
    }

    /// <summary>
    /// Derived from the payment, not random: a request repeated after a crash (before its record was
    /// saved) carries the same key, so the provider refunds once.
    /// </summary>
    private string NextRefundKey() => $"refund-{Id:N}-{_refunds.Count + 1}";

    private Refund AddExternalRefund(Instant now)
    {
        var refund = new Refund(AmountMinor - RefundedMinor, "Refunded at the payment provider", NextRefundKey(), now);
        _refunds.Add(refund);
        return refund;
    }
}

using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Domain;

[NoDatabase]
public class PaymentTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 1, 9, 0);
    private static readonly Instant Later = Now + Duration.FromMinutes(2);

    private static Payment NewPayment() => Payment.Start(Guid.NewGuid(), new Money(12000, "EUR"), "test", Now);

    private static Payment Succeeded()
    {
        var payment = NewPayment();
        payment.MarkSucceeded("ch_1", Now);
        return payment;
    }

    [Fact]
    public void Start_creates_pending_payment_for_the_amount()
    {
        var bookingId = Guid.NewGuid();

        var payment = Payment.Start(bookingId, new Money(12000, "eur"), "stripe", Now);

        Assert.Equal(PaymentStatus.Pending, payment.Status);
        Assert.Equal(bookingId, payment.BookingId);
        Assert.Equal(new Money(12000, "EUR"), payment.Amount);
        Assert.Equal("stripe", payment.Provider);
        Assert.Empty(payment.Refunds);
    }

    [Fact]
    public void Start_without_provider_throws()
    {
        Assert.Throws<DomainException>(() => Payment.Start(Guid.NewGuid(), new Money(100, "USD"), " ", Now));
    }

    [Fact]
    public void AttachProviderIds_keeps_earlier_ids_when_given_null()
    {
        var payment = NewPayment();

        payment.AttachProviderIds("cs_1", null);
        payment.AttachProviderIds(null, "pi_1");

        Assert.Equal("cs_1", payment.CheckoutSessionId);
        Assert.Equal("pi_1", payment.PaymentIntentId);
    }

    [Fact]
    public void A_payment_stands_for_one_checkout_and_never_takes_another_checkouts_ids()
    {
        var payment = NewPayment();
        payment.AttachProviderIds("cs_1", "pi_1");

        Assert.True(payment.BelongsToOtherCheckout("cs_2", null));
        Assert.True(payment.BelongsToOtherCheckout(null, "pi_2"));
        Assert.False(payment.BelongsToOtherCheckout("cs_1", "pi_1"));
        Assert.Throws<DomainException>(() => payment.AttachProviderIds("cs_2", "pi_2"));
        Assert.Equal(("cs_1", "pi_1"), (payment.CheckoutSessionId, payment.PaymentIntentId));
    }

    [Fact]
    public void Partial_refunds_at_the_provider_are_recorded_once_each_and_the_rest_can_still_be_refunded()
    {
        var payment = Succeeded();

        Assert.True(payment.RecordProviderPartialRefund(2000, Now));
        Assert.False(payment.RecordProviderPartialRefund(2000, Later));
        Assert.True(payment.RecordProviderPartialRefund(5000, Later));

        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal([2000L, 3000L], payment.Refunds.Select(r => r.AmountMinor));
        Assert.Equal(5000, payment.RefundedMinor);
        Assert.Equal(7000, payment.RequestRefund("The rest", Later).AmountMinor);
    }

    // --- MarkSucceeded ---

    [Fact]
    public void MarkSucceeded_on_pending_payment_returns_true_and_records_charge()
    {
        var payment = NewPayment();

        Assert.True(payment.MarkSucceeded("ch_1", Later));

        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal("ch_1", payment.ChargeId);
        Assert.Equal(Later, payment.SucceededAt);
    }

    [Fact]
    public void MarkSucceeded_second_call_returns_false_and_changes_nothing()
    {
        var payment = NewPayment();
        payment.MarkSucceeded("ch_1", Now);

        Assert.False(payment.MarkSucceeded("ch_2", Later));

        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal("ch_1", payment.ChargeId);
        Assert.Equal(Now, payment.SucceededAt);
    }

    [Fact]
    public void MarkSucceeded_repeated_webhook_fills_in_a_missing_charge_id()
    {
        var payment = NewPayment();
        payment.MarkSucceeded(null, Now);

        Assert.False(payment.MarkSucceeded("ch_late", Later));

        Assert.Equal("ch_late", payment.ChargeId);
    }

    [Fact]
    public void MarkSucceeded_after_refund_requested_returns_false_and_keeps_refund_pending()
    {
        var payment = Succeeded();
        payment.RequestRefund("Cancelled", Later);

        Assert.False(payment.MarkSucceeded("ch_1", Later));

        Assert.Equal(PaymentStatus.RefundPending, payment.Status);
    }

    [Fact]
    public void MarkSucceeded_after_refunded_returns_false_and_keeps_refunded()
    {
        var payment = Succeeded();
        payment.ReconcileRefunded(Later);

        Assert.False(payment.MarkSucceeded("ch_1", Later));

        Assert.Equal(PaymentStatus.Refunded, payment.Status);
    }

    // --- MarkFailed ---

    [Fact]
    public void MarkFailed_on_pending_payment_records_reason()
    {
        var payment = NewPayment();

        Assert.True(payment.MarkFailed("  Card declined  "));

        Assert.Equal(PaymentStatus.Failed, payment.Status);
        Assert.Equal("Card declined", payment.FailureReason);
    }

    [Fact]
    public void MarkFailed_with_blank_reason_uses_default_message()
    {
        var payment = NewPayment();

        payment.MarkFailed("");

        Assert.Equal("The payment was declined.", payment.FailureReason);
    }

    [Fact]
    public void MarkFailed_repeated_with_same_reason_returns_false()
    {
        var payment = NewPayment();
        payment.MarkFailed("Card declined");

        Assert.False(payment.MarkFailed("Card declined"));
    }

    [Fact]
    public void MarkFailed_with_a_new_reason_replaces_the_old_one()
    {
        var payment = NewPayment();
        payment.MarkFailed("Card declined");

        Assert.True(payment.MarkFailed("Insufficient funds"));

        Assert.Equal("Insufficient funds", payment.FailureReason);
    }

    [Fact]
    public void MarkFailed_then_succeeded_on_retry_clears_failure()
    {
        var payment = NewPayment();
        payment.MarkFailed("Card declined");

        Assert.True(payment.MarkSucceeded("ch_retry", Later));

        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Null(payment.FailureReason);
        Assert.Equal("ch_retry", payment.ChargeId);
        Assert.Equal(Later, payment.SucceededAt);
    }

    [Fact]
    public void MarkFailed_after_success_throws()
    {
        var payment = Succeeded();

        var ex = Assert.Throws<DomainException>(() => payment.MarkFailed("Card declined"));

        Assert.Equal("A payment that went through can't fail afterwards.", ex.Message);
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
    }

    // --- RequestRefund ---

    [Fact]
    public void RequestRefund_on_succeeded_payment_adds_pending_full_refund()
    {
        var payment = Succeeded();

        var refund = payment.RequestRefund("  Cancelled by specialist  ", Later);

        Assert.Equal(PaymentStatus.RefundPending, payment.Status);
        Assert.Same(refund, Assert.Single(payment.Refunds));
        Assert.Equal(RefundStatus.Pending, refund.Status);
        Assert.Equal(12000, refund.AmountMinor);
        Assert.Equal("Cancelled by specialist", refund.Reason);
        Assert.Equal(Later, refund.RequestedAt);
        // Derived from the payment, so a request repeated after a crash carries the same key.
        Assert.Equal($"refund-{payment.Id:N}-1", refund.IdempotencyKey);
        Assert.Equal(0, payment.RefundedMinor);
    }

    [Fact]
    public void RequestRefund_with_blank_reason_uses_default()
    {
        var payment = Succeeded();

        var refund = payment.RequestRefund(" ", Later);

        Assert.Equal("Refund", refund.Reason);
    }

    [Fact]
    public void RequestRefund_on_pending_payment_throws()
    {
        var payment = NewPayment();

        var ex = Assert.Throws<DomainException>(() => payment.RequestRefund("Cancelled", Later));

        Assert.Equal("Only a completed payment can be refunded.", ex.Message);
        Assert.Empty(payment.Refunds);
    }

    [Fact]
    public void RequestRefund_on_failed_payment_throws()
    {
        var payment = NewPayment();
        payment.MarkFailed("Card declined");

        var ex = Assert.Throws<DomainException>(() => payment.RequestRefund("Cancelled", Later));

        Assert.Equal("Only a completed payment can be refunded.", ex.Message);
    }

    [Fact]
    public void RequestRefund_twice_throws_refund_already_in_progress()
    {
        var payment = Succeeded();
        payment.RequestRefund("Cancelled", Later);

        var ex = Assert.Throws<DomainException>(() => payment.RequestRefund("Cancelled", Later));

        Assert.Equal("A refund is already in progress.", ex.Message);
        Assert.Single(payment.Refunds);
    }

    [Fact]
    public void RequestRefund_after_refunded_throws_already_refunded()
    {
        var payment = Succeeded();
        var refund = payment.RequestRefund("Cancelled", Later);
        payment.CompleteRefund(refund.Id, "re_1", Later);

        var ex = Assert.Throws<DomainException>(() => payment.RequestRefund("Cancelled", Later));

        Assert.Equal("This payment has already been refunded.", ex.Message);
    }

    // --- CompleteRefund ---

    [Fact]
    public void CompleteRefund_marks_refund_and_payment_refunded()
    {
        var payment = Succeeded();
        var refund = payment.RequestRefund("Cancelled", Now);

        Assert.True(payment.CompleteRefund(refund.Id, "re_1", Later));

        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal(RefundStatus.Succeeded, refund.Status);
        Assert.Equal("re_1", refund.ProviderRefundId);
        Assert.Equal(Later, refund.CompletedAt);
        Assert.Equal(12000, payment.RefundedMinor);
    }

    [Fact]
    public void CompleteRefund_twice_returns_false_once_refunded()
    {
        var payment = Succeeded();
        var refund = payment.RequestRefund("Cancelled", Now);
        payment.CompleteRefund(refund.Id, "re_1", Later);

        Assert.False(payment.CompleteRefund(refund.Id, "re_other", Later + Duration.FromMinutes(1)));

        Assert.Equal("re_1", refund.ProviderRefundId);
        Assert.Equal(Later, refund.CompletedAt);
        Assert.Equal(12000, payment.RefundedMinor);
    }

    [Fact]
    public void CompleteRefund_for_unknown_refund_throws()
    {
        var payment = Succeeded();
        payment.RequestRefund("Cancelled", Now);

        var ex = Assert.Throws<DomainException>(() => payment.CompleteRefund(Guid.NewGuid(), "re_1", Later));

        Assert.Equal("Unknown refund.", ex.Message);
        Assert.Equal(PaymentStatus.RefundPending, payment.Status);
    }

    // --- ReconcileRefunded ---

    [Fact]
    public void ReconcileRefunded_with_a_pending_refund_completes_that_refund()
    {
        var payment = Succeeded();
        var refund = payment.RequestRefund("Cancelled", Now);

        Assert.True(payment.ReconcileRefunded(Later));

        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Same(refund, Assert.Single(payment.Refunds));
        Assert.Equal(RefundStatus.Succeeded, refund.Status);
    }

    [Fact]
    public void ReconcileRefunded_without_our_request_records_an_external_full_refund()
    {
        var payment = Succeeded();

        Assert.True(payment.ReconcileRefunded(Later));

        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        var refund = Assert.Single(payment.Refunds);
        Assert.Equal(RefundStatus.Succeeded, refund.Status);
        Assert.Equal(12000, refund.AmountMinor);
        Assert.Equal("Refunded at the payment provider", refund.Reason);
        Assert.Equal(12000, payment.RefundedMinor);
    }

    [Fact]
    public void ReconcileRefunded_twice_returns_false_and_adds_no_refund()
    {
        var payment = Succeeded();
        payment.ReconcileRefunded(Now);

        Assert.False(payment.ReconcileRefunded(Later));

        Assert.Single(payment.Refunds);
        Assert.Equal(12000, payment.RefundedMinor);
    }

    [Fact]
    public void ReconcileRefunded_on_pending_payment_throws()
    {
        var payment = NewPayment();

        Assert.Throws<DomainException>(() => payment.ReconcileRefunded(Later));
        Assert.Empty(payment.Refunds);
    }

    // --- RefundFailed ---

    [Fact]
    public void RefundFailed_returns_payment_to_succeeded_and_keeps_the_error()
    {
        var payment = Succeeded();
        var refund = payment.RequestRefund("Cancelled", Now);

        payment.RefundFailed(refund.Id, "card_expired", Later);

        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal(RefundStatus.Failed, refund.Status);
        Assert.Equal("card_expired", refund.LastError);
        Assert.Equal(0, payment.RefundedMinor);
    }

    [Fact]
    public void RefundFailed_then_a_new_request_creates_a_second_full_refund()
    {
        var payment = Succeeded();
        var first = payment.RequestRefund("Cancelled", Now);
        payment.RefundFailed(first.Id, "timeout", Later);

        var second = payment.RequestRefund("Retry", Later);

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(first.IdempotencyKey, second.IdempotencyKey);
        Assert.Equal(12000, second.AmountMinor);
        Assert.Equal(PaymentStatus.RefundPending, payment.Status);
    }

    [Fact]
    public void RefundFailed_for_a_refund_no_longer_pending_throws()
    {
        var payment = Succeeded();
        var refund = payment.RequestRefund("Cancelled", Now);
        payment.CompleteRefund(refund.Id, "re_1", Later);

        var ex = Assert.Throws<DomainException>(() => payment.RefundFailed(refund.Id, "late error", Later));

        Assert.Equal("That refund is no longer pending.", ex.Message);
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
    }

    [Fact]
    public void RefundFailed_for_unknown_refund_throws()
    {
        var payment = Succeeded();

        Assert.Throws<DomainException>(() => payment.RefundFailed(Guid.NewGuid(), "error", Later));
    }
}

using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Payments;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Stripe;

namespace Consulting.Tests.Payments;

/// <summary>What <see cref="StripePaymentGateway"/> puts on the wire, checked at a local Stripe stand-in.</summary>
[NoDatabase]
public sealed class StripeGatewayTests : IAsyncLifetime
{
    private const string SecretKey = "sk_test_gateway";
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 2, 12, 0);
    private static readonly Uri Success = new("https://consulting.test/checkout/abc/done?t=view-token");
    private static readonly Uri Cancel = new("https://consulting.test/checkout/abc?t=checkout-token");

    private readonly FakeClock _clock = new(Now);
    private StripeStandIn _stripe = null!;
    private StripePaymentGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _stripe = await StripeStandIn.StartAsync(() => _clock.GetCurrentInstant().ToDateTimeOffset());
        _gateway = new StripePaymentGateway(
            Options.Create(new StripeOptions { SecretKey = SecretKey, ApiBase = _stripe.ApiBase }),
            _clock, NullLogger<StripePaymentGateway>.Instance);
    }

    public async Task DisposeAsync() => await _stripe.DisposeAsync();

    private static CheckoutRequest Checkout(Guid bookingId, Guid paymentId, Instant holdEnds, string key = "checkout-key-1") =>
        new(bookingId, paymentId, new Money(12_50, "EUR"), "60-minute session with Test Specialist", "ada@example.com",
            Success, Cancel, new Uri("https://consulting.test/checkout/abc/test-card"), holdEnds, key);

    [Fact]
    public async Task Checkout_creates_a_payment_session_in_minor_units_carrying_our_ids_and_the_idempotency_key()
    {
        var (bookingId, paymentId) = (Guid.NewGuid(), Guid.NewGuid());

        var start = await _gateway.StartCheckoutAsync(Checkout(bookingId, paymentId, Now + Duration.FromMinutes(15)), default);

        var sent = Assert.Single(_stripe.Requests);
        Assert.Equal(("POST", "/v1/checkout/sessions"), (sent.Method, sent.Path));
        Assert.Equal($"Bearer {SecretKey}", sent.Header("Authorization"));
        Assert.Equal("checkout-key-1", sent.IdempotencyKey);
        Assert.Equal("payment", sent.Field("mode"));
        Assert.Equal("1250", sent.Field("line_items[0][price_data][unit_amount]"));
        Assert.Equal("eur", sent.Field("line_items[0][price_data][currency]"));
        Assert.Equal("60-minute session with Test Specialist", sent.Field("line_items[0][price_data][product_data][name]"));
        Assert.Equal("1", sent.Field("line_items[0][quantity]"));
        Assert.Equal("ada@example.com", sent.Field("customer_email"));
        Assert.Equal(bookingId.ToString(), sent.Field("client_reference_id"));
        Assert.Equal(bookingId.ToString(), sent.Field("metadata[booking_id]"));
        Assert.Equal(paymentId.ToString(), sent.Field("metadata[payment_id]"));
        Assert.Equal(bookingId.ToString(), sent.Field("payment_intent_data[metadata][booking_id]"));
        Assert.Equal(paymentId.ToString(), sent.Field("payment_intent_data[metadata][payment_id]"));
        Assert.Equal(Success.ToString(), sent.Field("success_url"));
        Assert.Equal(Cancel.ToString(), sent.Field("cancel_url"));
        // The 15-minute hold is shorter than the 30 minutes Stripe requires: the session gets at least that.
        Assert.True(long.Parse(sent.Field("expires_at")!) >= (Now + Duration.FromMinutes(30)).ToUnixTimeSeconds());
        Assert.DoesNotContain(sent.Form.Values, v => v.Contains("test-card"));

        Assert.StartsWith("cs_test_", start.CheckoutSessionId);
        Assert.Equal($"https://checkout.stripe.com/c/pay/{start.CheckoutSessionId}", start.RedirectUrl);
        Assert.Null(start.PaymentIntentId);
    }

    [Fact]
    public async Task A_checkout_that_may_last_longer_than_30_minutes_expires_when_the_hold_does()
    {
        var holdEnds = Now + Duration.FromHours(2);

        await _gateway.StartCheckoutAsync(Checkout(Guid.NewGuid(), Guid.NewGuid(), holdEnds), default);

        Assert.Equal(holdEnds.ToUnixTimeSeconds().ToString(), Assert.Single(_stripe.Requests).Field("expires_at"));
    }

    [Fact]
    public async Task The_same_checkout_request_twice_gives_one_session()
    {
        var request = Checkout(Guid.NewGuid(), Guid.NewGuid(), Now + Duration.FromMinutes(15));

        var first = await _gateway.StartCheckoutAsync(request, default);
        var again = await _gateway.StartCheckoutAsync(request, default);

        Assert.Equal(first.CheckoutSessionId, again.CheckoutSessionId);
        Assert.Equal([false, true], _stripe.Requests.Select(r => r.Replayed));
    }

    [Fact]
    public async Task A_refused_checkout_throws_for_the_page_to_handle()
    {
        _stripe.FailNext(400, "invalid_request_error", "Invalid currency: xyz.");

        var e = await Assert.ThrowsAsync<StripeException>(() =>
            _gateway.StartCheckoutAsync(Checkout(Guid.NewGuid(), Guid.NewGuid(), Now + Duration.FromMinutes(15)), default));

        Assert.Contains("Invalid currency", e.Message);
    }

    [Fact]
    public async Task Cancel_expires_the_checkout_session()
    {
        var payment = await StartedPaymentAsync();

        await _gateway.CancelCheckoutAsync(payment, default);

        Assert.Single(_stripe.RequestsTo("POST", $"/v1/checkout/sessions/{payment.CheckoutSessionId}/expire"));
        Assert.Equal("expired", _stripe.Session(payment.CheckoutSessionId!)["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_of_a_session_that_already_ended_is_not_a_failure()
    {
        var expired = await StartedPaymentAsync();
        _stripe.ExpireSession(expired.CheckoutSessionId!);
        var paid = await StartedPaymentAsync();
        _stripe.CompleteSession(paid.CheckoutSessionId!);

        await _gateway.CancelCheckoutAsync(expired, default);
        await _gateway.CancelCheckoutAsync(paid, default);

        Assert.Equal(2, _stripe.Requests.Count(r => r.Path.EndsWith("/expire")));
        Assert.Equal("complete", _stripe.Session(paid.CheckoutSessionId!)["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_passes_on_other_Stripe_errors()
    {
        var payment = Payment.Start(Guid.NewGuid(), new Money(12_50, "EUR"), StripePaymentGateway.ProviderName, Now);
        payment.AttachProviderIds("cs_test_unknown", null);

        var e = await Assert.ThrowsAsync<StripeException>(() => _gateway.CancelCheckoutAsync(payment, default));

        Assert.Contains("No such checkout.session", e.Message);
    }

    [Fact]
    public async Task Cancel_without_a_session_calls_nothing()
    {
        var payment = Payment.Start(Guid.NewGuid(), new Money(12_50, "EUR"), StripePaymentGateway.ProviderName, Now);

        await _gateway.CancelCheckoutAsync(payment, default);

        Assert.Empty(_stripe.Requests);
    }

    [Fact]
    public async Task Refund_asks_for_the_amount_of_the_payment_intent_under_the_refund_key()
    {
        var payment = await PaidPaymentAsync();
        var refund = payment.RequestRefund("Cancelled by the specialist", Now);

        var outcome = await _gateway.RefundAsync(payment, refund, default);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.StartsWith("re_", outcome.ProviderRefundId);
        var sent = Assert.Single(_stripe.RequestsTo("POST", "/v1/refunds"));
        Assert.Equal(payment.PaymentIntentId, sent.Field("payment_intent"));
        Assert.Null(sent.Field("charge"));
        Assert.Equal("1250", sent.Field("amount"));
        Assert.Equal(refund.IdempotencyKey, sent.IdempotencyKey);
        Assert.Equal(payment.Id.ToString(), sent.Field("metadata[payment_id]"));
        Assert.Equal(refund.Id.ToString(), sent.Field("metadata[refund_id]"));
    }

    [Fact]
    public async Task The_same_refund_sent_twice_refunds_once()
    {
        var payment = await PaidPaymentAsync();
        var refund = payment.RequestRefund("Cancelled by the specialist", Now);

        var first = await _gateway.RefundAsync(payment, refund, default);
        var retried = await _gateway.RefundAsync(payment, refund, default);

        Assert.True(first.Succeeded && retried.Succeeded);
        Assert.Equal(first.ProviderRefundId, retried.ProviderRefundId);
        Assert.Single(_stripe.Refunds);
        Assert.Equal([false, true], _stripe.RequestsTo("POST", "/v1/refunds").Select(r => r.Replayed));
    }

    [Fact]
    public async Task A_payment_known_only_by_its_charge_is_refunded_by_charge()
    {
        var paid = await PaidPaymentAsync();
        var payment = Payment.Start(Guid.NewGuid(), new Money(12_50, "EUR"), StripePaymentGateway.ProviderName, Now);
        payment.MarkSucceeded(paid.ChargeId, Now);

        var outcome = await _gateway.RefundAsync(payment, payment.RequestRefund("Refund", Now), default);

        Assert.True(outcome.Succeeded, outcome.Error);
        var sent = Assert.Single(_stripe.RequestsTo("POST", "/v1/refunds"));
        Assert.Equal((paid.ChargeId, null), (sent.Field("charge"), sent.Field("payment_intent")));
    }

    [Fact]
    public async Task A_refund_Stripe_refuses_is_a_failed_outcome_with_its_message()
    {
        var payment = await PaidPaymentAsync();
        _stripe.FailNext(400, "invalid_request_error", $"Charge {payment.ChargeId} has already been refunded.", "charge_already_refunded");

        var outcome = await _gateway.RefundAsync(payment, payment.RequestRefund("Refund", Now), default);

        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.ProviderRefundId);
        Assert.Equal($"Charge {payment.ChargeId} has already been refunded.", outcome.Error);
        Assert.Empty(_stripe.Refunds);
    }

    /// <summary>A payment whose checkout session is open at the stand-in.</summary>
    private async Task<Payment> StartedPaymentAsync()
    {
        var payment = Payment.Start(Guid.NewGuid(), new Money(12_50, "EUR"), StripePaymentGateway.ProviderName, Now);
        var start = await _gateway.StartCheckoutAsync(
            Checkout(payment.BookingId, payment.Id, Now + Duration.FromMinutes(15), $"checkout-{payment.Id:N}"), default);
        payment.AttachProviderIds(start.CheckoutSessionId, start.PaymentIntentId);
        return payment;
    }

    /// <summary>A payment the customer completed at the stand-in: with its PaymentIntent and charge.</summary>
    private async Task<Payment> PaidPaymentAsync()
    {
        var payment = await StartedPaymentAsync();
        var session = _stripe.CompleteSession(payment.CheckoutSessionId!);
        var intentId = session["payment_intent"]!.GetValue<string>();
        payment.AttachProviderIds(null, intentId);
        payment.MarkSucceeded(_stripe.PaymentIntent(intentId)["latest_charge"]!.GetValue<string>(), Now);
        return payment;
    }
}

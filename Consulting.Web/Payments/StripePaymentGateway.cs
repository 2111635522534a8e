using Consulting.Web.Domain;
using Microsoft.Extensions.Options;
using NodaTime;
using Stripe;
using Stripe.Checkout;

namespace Consulting.Web.Payments;

/// <summary>
/// Stripe Checkout (the hosted payment page) and refunds through Stripe.net. Outcomes don't come
/// back from these calls: they arrive as signed webhooks (<see cref="StripeWebhook"/>).
/// </summary>
public sealed class StripePaymentGateway : IPaymentGateway
{
    public const string ProviderName = "stripe";

    // Stripe refuses a Checkout Session whose expires_at is under 30 minutes after it is created.
    // The extra minute covers the request's travel time and any skew between our clock and Stripe's.
    private static readonly Duration MinimumSessionLifetime = Duration.FromMinutes(31);

    private readonly SessionService _sessions;
    private readonly RefundService _refunds;
    private readonly IClock _clock;
    private readonly ILogger<StripePaymentGateway> _log;

    public StripePaymentGateway(IOptions<StripeOptions> options, IClock clock, ILogger<StripePaymentGateway> log)
    {
        var settings = options.Value;
        if (!settings.IsConfigured) throw new InvalidOperationException("Stripe:SecretKey is not set.");
        var clientOptions = new StripeClientOptions { ApiKey = settings.SecretKey };
        if (!string.IsNullOrWhiteSpace(settings.ApiBase)) clientOptions.ApiBase = settings.ApiBase.TrimEnd('/');
        var client = new StripeClient(clientOptions);
        _sessions = new SessionService(client);
        _refunds = new RefundService(client);
        (_clock, _log) = (clock, log);
    }

    public string Name => ProviderName;
    public bool IsTestMode => false;

    public async Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct)
    {
        var earliestExpiry = _clock.GetCurrentInstant() + MinimumSessionLifetime;
        var metadata = Metadata(request.BookingId, request.PaymentId);
        var session = await _sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "payment",
            LineItems =
            [
                new SessionLineItemOptions
                {
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = request.Amount.Currency.ToLowerInvariant(),
                        // Money is already in minor units, which is what Stripe expects.
                        UnitAmount = request.Amount.Minor,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = request.Description },
                    },
                    Quantity = 1,
                },
            ],
            CustomerEmail = request.CustomerEmail,
            ClientReferenceId = request.BookingId.ToString(),
            Metadata = metadata,
            PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new Dictionary<string, string>(metadata) },
            SuccessUrl = request.SuccessUrl.ToString(),
            CancelUrl = request.CancelUrl.ToString(),
            // The session may outlive the hold; a payment that lands after the hold is confirmed if
            // the time is still free and refunded otherwise (PaymentOutcomes), and HoldExpiry ends it.
            ExpiresAt = Instant.Max(request.ExpiresAt, earliestExpiry).ToDateTimeUtc(),
        }, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct);
        return new CheckoutStart(session.Url, session.Id, session.PaymentIntentId);
    }

    public async Task CancelCheckoutAsync(Payment payment, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(payment.CheckoutSessionId)) return;
        try
        {
            await _sessions.ExpireAsync(payment.CheckoutSessionId, null, null, ct);
        }
        catch (StripeException e) when (IsNoLongerOpen(e))
        {
            _log.LogInformation("Checkout session {SessionId} of payment {PaymentId} had already ended: {Message}",
                payment.CheckoutSessionId, payment.Id, e.Message);
        }
    }

    public async Task<RefundOutcome> RefundAsync(Payment payment, Domain.Refund refund, CancellationToken ct)
    {
        var options = new RefundCreateOptions
        {
            Amount = refund.AmountMinor,
            Metadata = new Dictionary<string, string> { ["payment_id"] = payment.Id.ToString(), ["refund_id"] = refund.Id.ToString() },
        };
        if (!string.IsNullOrEmpty(payment.PaymentIntentId)) options.PaymentIntent = payment.PaymentIntentId;
        else if (!string.IsNullOrEmpty(payment.ChargeId)) options.Charge = payment.ChargeId;
        else return new RefundOutcome(false, null, "The payment has no Stripe payment intent or charge to refund.");

        try
        {
            var created = await _refunds.CreateAsync(options, new RequestOptions { IdempotencyKey = refund.IdempotencyKey }, ct);
            // "requires_action" is a live refund waiting for the customer's bank details, not a failure;
            // charge.refunded reconciles it when it lands.
            if (created.Status is "succeeded" or "pending" or "requires_action") return new RefundOutcome(true, created.Id, null);
            return new RefundOutcome(false, created.Id, $"Stripe reported the refund as {created.Status}{(created.FailureReason is { } why ? $" ({why})" : "")}.");
        }
        catch (StripeException e)
        {
            _log.LogWarning(e, "Stripe refused refund {RefundId} of payment {PaymentId}", refund.Id, payment.Id);
            return new RefundOutcome(false, null, e.StripeError?.Message ?? e.Message);
        }
    }

    /// <summary>The metadata that ties a Stripe object back to our booking and payment.</summary>
    public static Dictionary<string, string> Metadata(Guid bookingId, Guid paymentId) =>
        new() { [MetadataKeys.BookingId] = bookingId.ToString(), [MetadataKeys.PaymentId] = paymentId.ToString() };

    public static class MetadataKeys
    {
        public const string BookingId = "booking_id";
        public const string PaymentId = "payment_id";
    }

    // Stripe answers an expire of a session that is no longer open with an invalid_request_error:
    // 'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of `expired`.'
    private static bool IsNoLongerOpen(StripeException e) =>
        e.StripeError?.Type == "invalid_request_error" && e.Message.Contains("can be expired", StringComparison.OrdinalIgnoreCase);
}

using Consulting.Web.Domain;

namespace Consulting.Web.Payments;

/// <summary>Where the customer goes to pay, and the provider's ids to remember.</summary>
public sealed record CheckoutStart(string RedirectUrl, string? CheckoutSessionId, string? PaymentIntentId);

/// <param name="IdempotencyKey">Same key for a retried request, so the provider creates one session.</param>
/// <param name="TestCardUrl">The app's own card page, used only by the built-in test provider.</param>
/// <param name="ExpiresAt">When the slot's hold ends; the checkout must not outlive it.</param>
public sealed record CheckoutRequest(
    Guid BookingId, Guid PaymentId, Money Amount, string Description, string CustomerEmail,
    Uri SuccessUrl, Uri CancelUrl, Uri TestCardUrl, NodaTime.Instant ExpiresAt, string IdempotencyKey);

public sealed record RefundOutcome(bool Succeeded, string? ProviderRefundId, string? Error);

/// <summary>A payment provider (STYLE rule 9): Stripe when configured, the built-in test provider otherwise.</summary>
public interface IPaymentGateway
{
    /// <summary>"stripe" or "test"; stored on each payment.</summary>
    string Name { get; }

    /// <summary>True for the built-in provider, so pages can label test mode clearly.</summary>
    bool IsTestMode { get; }

    Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct);

    /// <summary>Ends a checkout that can no longer complete (its hold expired). Safe to call twice.</summary>
    Task CancelCheckoutAsync(Payment payment, CancellationToken ct);

    Task<RefundOutcome> RefundAsync(Payment payment, Refund refund, CancellationToken ct);
}

using Consulting.Web.Domain;

namespace Consulting.Web.Payments;

/// <summary>Where the customer goes to pay, and the provider's ids to remember.</summary>
public sealed record CheckoutStart(string RedirectUrl, string? CheckoutSessionId, string? PaymentIntentId);

public sealed record CheckoutRequest(Guid BookingId, Money Amount, string Description, string CustomerEmail,
    Uri SuccessUrl, Uri CancelUrl, NodaTime.Instant ExpiresAt);

public sealed record RefundOutcome(bool Succeeded, string? ProviderRefundId, string? Error);

/// <summary>A payment provider (STYLE rule 9): Stripe when configured, the built-in test provider otherwise.</summary>
public interface IPaymentGateway
{
    /// <summary>"stripe" or "test"; stored on each payment.</summary>
    string Name { get; }

    /// <summary>True for the built-in provider, so pages can label test mode clearly.</summary>
    bool IsTestMode { get; }

    Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct);

    Task<RefundOutcome> RefundAsync(Payment payment, Refund refund, CancellationToken ct);
}

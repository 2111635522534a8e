using Consulting.Web.Domain;

namespace Consulting.Web.Payments;

/// <summary>
/// The built-in provider: no outside service; checkout happens on the app's own test-card page
/// and refunds succeed at once. Used whenever Stripe isn't configured.
/// </summary>
public sealed class TestPaymentGateway : IPaymentGateway
{
    public const string ProviderName = "test";

    /// <summary>Test cards: this one is always declined, any other valid test number succeeds.</summary>
    public const string DeclinedCard = "4000000000000002";
    public const string SucceedingCard = "4242424242424242";

    public string Name => ProviderName;
    public bool IsTestMode => true;

    public Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct) =>
        Task.FromResult(new CheckoutStart(request.TestCardUrl.ToString(), null, null));

    // Nothing lives outside the app: the card page itself refuses a booking whose hold has ended.
    public Task CancelCheckoutAsync(Payment payment, CancellationToken ct) => Task.CompletedTask;

    public Task<RefundOutcome> RefundAsync(Payment payment, Refund refund, CancellationToken ct) =>
        Task.FromResult(new RefundOutcome(true, $"test_re_{refund.Id:N}", null));

    /// <summary>What the test card page decides for a card number (spaces allowed).</summary>
    public static (bool Approved, string? Message) Charge(string? cardNumber)
    {
        var digits = new string((cardNumber ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length != 16) return (false, "Enter the 16-digit test card number.");
        if (digits == DeclinedCard) return (false, "Your card was declined. Try another card.");
        return (true, null);
    }
}

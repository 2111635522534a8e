namespace Consulting.Web.Payments;

/// <summary>The "Stripe" settings section. Stripe is on when <see cref="SecretKey"/> is set.</summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    /// <summary>The API secret key (<c>sk_live_…</c> / <c>sk_test_…</c>); only from configuration or the environment.</summary>
    public string? SecretKey { get; set; }

    /// <summary>The webhook endpoint's signing secret (<c>whsec_…</c>). Without it every webhook is refused.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Another API address, for a stand-in in tests or staging; Stripe's own when empty.</summary>
    public string? ApiBase { get; set; }

    /// <summary>How old a signed webhook may be before it is refused as a possible replay.</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretKey);
}

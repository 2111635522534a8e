using System.ComponentModel.DataAnnotations;

namespace Consulting.Web.Payments;

/// <summary>The "Stripe" settings section. Stripe is on when <see cref="SecretKey"/> is set.</summary>
public sealed class StripeOptions : IValidatableObject
{
    public const string Section = "Stripe";

    /// <summary>The API secret key (<c>sk_live_…</c> / <c>sk_test_…</c>); only from configuration or the environment.</summary>
    public string? SecretKey { get; set; }

    /// <summary>The webhook endpoint's signing secret (<c>whsec_…</c>). Without it every webhook is refused.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Another API address, for a stand-in in tests or staging; Stripe's own when empty.</summary>
    public string? ApiBase { get; set; }

    /// <summary>How old a signed webhook may be before it is refused as a possible replay.</summary>
    [Range(1, 3600)]
    public int WebhookToleranceSeconds { get; set; } = 300;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        // Payments would start, and no webhook could ever confirm one: every paid booking would expire.
        if (IsConfigured && string.IsNullOrWhiteSpace(WebhookSecret))
            yield return new ValidationResult("Stripe:WebhookSecret is missing while Stripe:SecretKey is set: without the webhook's signing secret (whsec_…) no payment is ever confirmed.");
        if (SettingRules.AbsoluteHttpUrl("Stripe:ApiBase", ApiBase) is { } apiBase) yield return new ValidationResult(apiBase);
    }
}

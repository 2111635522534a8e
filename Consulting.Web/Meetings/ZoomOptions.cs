using System.ComponentModel.DataAnnotations;

namespace Consulting.Web.Meetings;

/// <summary>
/// The "Zoom" settings section: a Server-to-Server OAuth app's credentials. Zoom is on when
/// <see cref="AccountId"/>, <see cref="ClientId"/> and <see cref="ClientSecret"/> are all set.
/// </summary>
public sealed class ZoomOptions : IValidatableObject
{
    public const string Section = "Zoom";
    public const string DefaultApiBase = "https://api.zoom.us/v2";
    public const string DefaultOAuthBase = "https://zoom.us";

    public string? AccountId { get; set; }
    public string? ClientId { get; set; }

    /// <summary>Only from configuration or the environment; never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The REST API address (with its <c>/v2</c>); another one points the app at a stand-in.</summary>
    public string? ApiBase { get; set; } = DefaultApiBase;

    /// <summary>Where <c>/oauth/token</c> lives; another one points the app at a stand-in.</summary>
    public string? OAuthBase { get; set; } = DefaultOAuthBase;

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AccountId) && !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    // An empty setting (e.g. Zoom__ApiBase= in a compose file) means Zoom's own address.
    internal string ApiBaseOrDefault => (string.IsNullOrWhiteSpace(ApiBase) ? DefaultApiBase : ApiBase).TrimEnd('/');
    internal string OAuthBaseOrDefault => (string.IsNullOrWhiteSpace(OAuthBase) ? DefaultOAuthBase : OAuthBase).TrimEnd('/');

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var result in SettingRules.AllOrNone(Section, (nameof(AccountId), AccountId), (nameof(ClientId), ClientId), (nameof(ClientSecret), ClientSecret)))
            yield return result;
        if (SettingRules.AbsoluteHttpUrl("Zoom:ApiBase", ApiBase) is { } api) yield return new ValidationResult(api);
        if (SettingRules.AbsoluteHttpUrl("Zoom:OAuthBase", OAuthBase) is { } oauth) yield return new ValidationResult(oauth);
    }
}

using System.ComponentModel.DataAnnotations;

namespace Consulting.Web.Notifications;

/// <summary>
/// The "Twilio" settings section. SMS is on when <see cref="AccountSid"/>, <see cref="AuthToken"/>
/// and <see cref="From"/> are all set.
/// </summary>
public sealed class TwilioOptions : IValidatableObject
{
    public const string Section = "Twilio";
    public const string DefaultApiBase = "https://api.twilio.com";

    /// <summary>The account's SID ("AC…"); it names the account in every API path.</summary>
    public string? AccountSid { get; set; }

    /// <summary>Only from configuration or the environment; never logged.</summary>
    public string? AuthToken { get; set; }

    /// <summary>The sending number in E.164 form (or an alphanumeric sender id where the country allows one).</summary>
    public string? From { get; set; }

    /// <summary>The REST API address, without <c>/2010-04-01</c>; another one points the app at a stand-in.</summary>
    public string? ApiBase { get; set; } = DefaultApiBase;

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken) && !string.IsNullOrWhiteSpace(From);

    // An empty setting (e.g. Twilio__ApiBase= in a compose file) means Twilio's own address.
    internal string ApiBaseOrDefault => (string.IsNullOrWhiteSpace(ApiBase) ? DefaultApiBase : ApiBase).TrimEnd('/');

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var result in SettingRules.AllOrNone(Section, (nameof(AccountSid), AccountSid), (nameof(AuthToken), AuthToken), (nameof(From), From)))
            yield return result;
        if (SettingRules.AbsoluteHttpUrl("Twilio:ApiBase", ApiBase) is { } api) yield return new ValidationResult(api);
    }
}

using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace Consulting.Web.Notifications;

/// <summary>Sends one finished message (STYLE rule 9): SMTP when configured, a pickup folder otherwise.</summary>
public interface IEmailTransport
{
    string Name { get; }
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>The "Email" settings section.</summary>
public sealed class EmailOptions : IValidatableObject
{
    public const string Section = "Email";

    public string From { get; set; } = "Consulting <no-reply@consulting.local>";
    /// <summary>Relative paths are under the app's content root.</summary>
    [Required]
    public string PickupDirectory { get; set; } = "data/mail";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!MailboxAddress.TryParse(From, out var from) || string.IsNullOrEmpty(from.Address) || !from.Address.Contains('@'))
            yield return new ValidationResult($"Email:From must be an address such as 'Consulting <no-reply@example.com>', not '{From}'.");
    }
}

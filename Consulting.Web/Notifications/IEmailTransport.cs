using MimeKit;

namespace Consulting.Web.Notifications;

/// <summary>Sends one finished message (STYLE rule 9): SMTP when configured, a pickup folder otherwise.</summary>
public interface IEmailTransport
{
    string Name { get; }
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

public sealed class EmailOptions
{
    public string From { get; set; } = "Consulting <no-reply@consulting.local>";
    /// <summary>Relative paths are under the app's content root.</summary>
    public string PickupDirectory { get; set; } = "data/mail";
}

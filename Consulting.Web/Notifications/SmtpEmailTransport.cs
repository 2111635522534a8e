using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Consulting.Web.Notifications;

/// <summary>
/// Sends over SMTP with MailKit. A new <see cref="SmtpClient"/> per message: the client is not
/// thread-safe and the dispatcher may send concurrently. Failures throw; the dispatcher records
/// the error and retries the delivery with back-off.
/// </summary>
public sealed class SmtpEmailTransport(IOptions<SmtpOptions> options) : IEmailTransport
{
    public string Name => "smtp";

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var smtp = options.Value;
        if (!smtp.IsConfigured) throw new InvalidOperationException("SMTP is not configured (set Smtp:Host).");
        if (string.IsNullOrEmpty(message.MessageId)) message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();

        using var client = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(smtp.TimeoutSeconds).TotalMilliseconds };
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.SocketOptions, ct);
        if (!string.IsNullOrEmpty(smtp.User))
            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

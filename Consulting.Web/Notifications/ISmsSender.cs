namespace Consulting.Web.Notifications;

/// <summary>Sends a text message (STYLE rule 9): Twilio when configured; otherwise the SMS channel is off.</summary>
public interface ISmsSender
{
    bool IsEnabled { get; }
    Task SendAsync(string toE164, string body, CancellationToken ct);
}

/// <summary>The default: SMS is off, so no SMS deliveries are created.</summary>
public sealed class DisabledSmsSender : ISmsSender
{
    public bool IsEnabled => false;

    public Task SendAsync(string toE164, string body, CancellationToken ct) =>
        throw new InvalidOperationException("SMS is not configured (set Twilio:AccountSid, Twilio:AuthToken and Twilio:From).");
}

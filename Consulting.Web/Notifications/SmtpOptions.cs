using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using MailKit.Security;

namespace Consulting.Web.Notifications;

/// <summary>How the SMTP connection is secured (MailKit's <see cref="SecureSocketOptions"/>, the ones we offer).</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text: only for a relay on the same machine or a test server.</summary>
    None,
    /// <summary>Connect in plain text, then require STARTTLS (submission port 587).</summary>
    StartTls,
    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
    /// <summary>MailKit decides: TLS on port 465, otherwise STARTTLS when the server offers it.</summary>
    Auto,
}

/// <summary>Configuration section "Smtp". Email goes over SMTP when <see cref="Host"/> is set.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }
    [Range(1, 65535)]
    public int Port { get; set; } = 587;
    /// <summary>StartTls by default: "Auto" would fall back to plain text if STARTTLS were stripped on the way.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    /// <summary>Authenticate only when set.</summary>
    public string? User { get; set; }
    public string? Password { get; set; }
    /// <summary>For each network operation (connect, each command); a stuck server fails the attempt, which is retried.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    [MemberNotNullWhen(true, nameof(Host))]
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public SecureSocketOptions SocketOptions => Security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

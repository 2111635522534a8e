using System.Text;
using Consulting.Web.Domain;

namespace Consulting.Web.Notifications;

/// <summary>
/// The text of a notification's SMS: "Consulting: {title}. {message}" as plain text on one line.
/// The title and message already give the time in the recipient's own zone.
/// </summary>
public static class SmsComposer
{
    /// <summary>Two concatenated SMS segments' worth, Twilio's recommended ceiling for one message.</summary>
    public const int MaxLength = 320;

    private const string Prefix = "Consulting: ";
    private const string Ellipsis = "...";

    /// <summary>The SMS for the types that go out by SMS (<see cref="Notification.ChannelsFor"/>); null for the others.</summary>
    public static string? Compose(Notification n)
    {
        if (n.Type is not (NotificationType.Reminder24h or NotificationType.Reminder1h or NotificationType.Cancelled or NotificationType.Rescheduled))
            return null;

        var title = OneLine(n.Title);
        var message = OneLine(n.Message);
        var text = Prefix + title;
        if (message.Length > 0) text += (title.Length > 0 && ".!?:".Contains(title[^1]) ? " " : ". ") + message;
        return Shorten(text);
    }

    /// <summary>
    /// Whitespace runs become one space, and typographic characters become their GSM-7 look-alikes:
    /// a single character outside GSM-7 (such as the "−" in "UTC−03:00") makes the whole message
    /// UCS-2, which fits 70 characters per segment instead of 160.
    /// </summary>
    private static string OneLine(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c switch
            {
                '−' or '–' or '—' => "-",
                '‘' or '’' => "'",
                '“' or '”' => "\"",
                '…' => Ellipsis,
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>At most <see cref="MaxLength"/> characters, cut at a word where one is near, never inside a surrogate pair.</summary>
    private static string Shorten(string text)
    {
        if (text.Length <= MaxLength) return text;
        var cut = MaxLength - Ellipsis.Length;
        if (char.IsLowSurrogate(text[cut])) cut--;
        var space = text.LastIndexOf(' ', cut);
        // A word boundary, unless it would throw away much of the message (one very long "word").
        if (space > cut - 40) cut = space;
        return text[..cut].TrimEnd(' ', ',', ';', '.', ':') + Ellipsis;
    }
}

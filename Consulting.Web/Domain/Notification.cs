using System.Text.RegularExpressions;
using NodaTime;

namespace Consulting.Web.Domain;

public enum NotificationType
{
    BookingConfirmation = 0,
    NewBooking = 1,
    Reminder24h = 2,
    Reminder1h = 3,
    Rescheduled = 4,
    Cancelled = 5,
    RefundProcessed = 6,
    PaymentReceived = 7,
    SessionCompleted = 8,
    RecordingReady = 9,
    /// <summary>To the specialist: the meeting provider keeps failing for a booking.</summary>
    MeetingProblem = 10,
    /// <summary>To the specialist: a customer reviewed a session (once, not on edits).</summary>
    ReviewReceived = 11,

    // Account emails: by email only, never in-app or SMS. The links of the first four carry a token,
    // made when the email is composed and never stored (see EmailComposer).
    /// <summary>A new account's address: the link confirms it.</summary>
    ConfirmEmail = 12,
    /// <summary>"Forgot your password?": a single-use link that works for an hour.</summary>
    PasswordReset = 13,
    /// <summary>To an address that already has an account, when someone signs up with it.</summary>
    SignUpAttempt = 14,
    /// <summary>To the new address of an email change: it takes effect when confirmed.</summary>
    ConfirmNewEmail = 15,
    /// <summary>To the old address, once an email change took effect.</summary>
    EmailChanged = 16,
    PasswordChanged = 17,
    AccountDeleted = 18,
}

public enum Channel
{
    Email = 0,
    InApp = 1,
    Sms = 2,
}

public enum DeliveryState
{
    Pending = 0,
    /// <summary>Claimed by a dispatcher, which holds a lease on it (kept by the job runner) while it sends.</summary>
    Sending = 1,
    Sent = 2,
    Failed = 3,
}

/// <summary>Delivery of one notification over one channel: the outbox row a dispatcher works on.</summary>
public sealed class NotificationDelivery
{
    public Guid Id { get; private set; }
    public Channel Channel { get; private set; }
    public DeliveryState State { get; private set; }
    /// <summary>Sends started so far (each claim counts one).</summary>
    public int Attempts { get; private set; }
    public Instant NextAttemptAt { get; private set; }
    public string? LastError { get; private set; }
    public Instant? SentAt { get; private set; }

    private NotificationDelivery() { }

    internal NotificationDelivery(Channel channel, Instant due)
    {
        Id = Guid.NewGuid();
        Channel = channel;
        State = DeliveryState.Pending;
        NextAttemptAt = due;
    }

    /// <summary>Still to send: waiting, or being sent by whichever dispatcher holds its lease.</summary>
    public bool IsOpen => State is DeliveryState.Pending or DeliveryState.Sending;

    public void MarkSent(Instant now)
    {
        if (!IsOpen) throw new DomainException("This delivery is already finished.");
        (State, SentAt, LastError) = (DeliveryState.Sent, now, null);
    }

    /// <summary>An admin sends a failed delivery again: it starts over as if new.</summary>
    public void Retry(Instant now)
    {
        if (State != DeliveryState.Failed) throw new DomainException("Only a failed delivery can be retried.");
        (State, Attempts, NextAttemptAt) = (DeliveryState.Pending, 0, now);
    }

    /// <summary>Waits as <paramref name="retry"/> says, or fails for good once it has no attempts left.</summary>
    public void MarkAttemptFailed(string error, Instant now, RetryPolicy retry)
    {
        if (!IsOpen) throw new DomainException("This delivery is already finished.");
        LastError = error.Length > 1000 ? error[..1000] : error;
        if (retry.NextAttempt(Attempts, now) is { } next)
            (State, NextAttemptAt) = (DeliveryState.Pending, next);
        else
            State = DeliveryState.Failed;
    }

    /// <summary>A refusal that can't change (e.g. an invalid phone number): no retry.</summary>
    public void MarkFailedForGood(string error)
    {
        if (!IsOpen) throw new DomainException("This delivery is already finished.");
        (State, LastError) = (DeliveryState.Failed, error.Length > 1000 ? error[..1000] : error);
    }
}

/// <summary>A message to one person, stored before any channel sends it.</summary>
public sealed class Notification
{
    private readonly List<NotificationDelivery> _deliveries = [];

    public Guid Id { get; private set; }
    public NotificationType Type { get; private set; }
    /// <summary>Null for guests, who get email/SMS but no in-app list.</summary>
    public string? RecipientUserId { get; private set; }
    public string RecipientEmail { get; private set; } = "";
    public string? RecipientPhone { get; private set; }
    public string RecipientTimeZoneId { get; private set; } = "UTC";
    public Guid? BookingId { get; private set; }
    public string Title { get; private set; } = "";
    public string Message { get; private set; } = "";
    /// <summary>Makes "at most once" a unique index: e.g. the 24 h reminder of one booking.</summary>
    public string? DedupeKey { get; private set; }
    /// <summary>Its recipient deleted their account: the address goes once nothing is left to send to it.</summary>
    public bool ForgetRecipientOnceSent { get; private set; }
    public Instant CreatedAt { get; private set; }
    public Instant? ReadAt { get; private set; }

    public IReadOnlyList<NotificationDelivery> Deliveries => _deliveries;
    public bool IsRead => ReadAt is not null;

    private Notification() { }

    public static Notification Create(NotificationType type, Recipient recipient, Guid? bookingId, string title,
        string message, IEnumerable<Channel> channels, Instant now, string? dedupeKey = null)
    {
        if (string.IsNullOrWhiteSpace(title)) throw new DomainException("A notification needs a title.");
        var notification = new Notification
        {
            Id = Guid.NewGuid(),
            Type = type,
            RecipientUserId = recipient.UserId,
            RecipientEmail = recipient.Email,
            RecipientPhone = string.IsNullOrWhiteSpace(recipient.Phone) ? null : recipient.Phone.Trim(),
            RecipientTimeZoneId = TimeZones.Require(recipient.TimeZoneId),
            BookingId = bookingId,
            Title = title.Trim(),
            Message = message.Trim(),
            DedupeKey = dedupeKey,
            CreatedAt = now,
        };
        foreach (var channel in channels.Distinct())
        {
            if (channel != Channel.Email && IsAccountType(type)) continue;
            if (channel == Channel.InApp && recipient.UserId is null) continue;
            if (channel == Channel.Sms && notification.RecipientPhone is null) continue;
            notification._deliveries.Add(new NotificationDelivery(channel, now));
        }
        return notification;
    }

    public bool IsSettled => _deliveries.All(d => d.State is DeliveryState.Sent or DeliveryState.Failed);

    /// <summary>
    /// Its recipient deleted their account: it is no longer theirs in the app, and their address and
    /// phone are cleared now, or once what is still pending has gone out (<see cref="ForgetSettledRecipient"/>).
    /// </summary>
    public void ForgetRecipient()
    {
        RecipientUserId = null;
        ForgetRecipientOnceSent = true;
        ForgetSettledRecipient();
    }

    /// <summary>Clears a forgotten recipient's address once every delivery has finished; false while one is pending.</summary>
    public bool ForgetSettledRecipient()
    {
        if (!ForgetRecipientOnceSent || !IsSettled) return false;
        (RecipientEmail, RecipientPhone, ForgetRecipientOnceSent) = ("", null, false);
        return true;
    }

    /// <summary>Replaces a deleted person's name or address in the text (e.g. a specialist's "New booking: Ana Díaz").</summary>
    public void Redact(string? text, string replacement)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length < 2) return;
        // Whole words only: the name "Jo" must not change "Join".
        var word = new Regex($@"(?<!\w){Regex.Escape(text.Trim())}(?!\w)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        Title = word.Replace(Title, replacement);
        Message = word.Replace(Message, replacement);
    }

    /// <summary>Emails about the account itself rather than a booking.</summary>
    public static bool IsAccountType(NotificationType type) => type >= NotificationType.ConfirmEmail;

    /// <summary>The channels each type goes out on: SMS only for what can't wait (reminders, changes).</summary>
    public static IReadOnlyList<Channel> ChannelsFor(NotificationType type, bool smsEnabled) => type switch
    {
        // Links that sign someone in or change their account belong in their mailbox only.
        _ when IsAccountType(type) => [Channel.Email],
        NotificationType.Reminder24h or NotificationType.Reminder1h or NotificationType.Cancelled or NotificationType.Rescheduled
            when smsEnabled => [Channel.Email, Channel.InApp, Channel.Sms],
        _ => [Channel.Email, Channel.InApp],
    };
}

public sealed record Recipient(string? UserId, string Email, string? Phone, string TimeZoneId);

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Accounts;

/// <summary>
/// Records the emails about an account (outbox rows, email only). Like <see cref="Notifications.Notifier"/>,
/// recording is part of the caller's unit of work. The rows hold no token: the links of the confirm
/// and reset emails are made when the email is composed, so nothing in the database (or on the admin
/// page of failed messages) can be used to take over an account.
/// </summary>
public sealed class AccountEmails(AppDbContext db, IClock clock)
{
    /// <summary>
    /// At most this many emails of one kind to one address an hour: the public forms can't be used to
    /// flood someone's mailbox (the rate limit per client address is the other half).
    /// </summary>
    public const int PerAddressPerHour = 3;

    public Task<bool> ConfirmEmailAsync(AppUser user, CancellationToken ct) =>
        AddAsync(NotificationType.ConfirmEmail, user, user.Email!, "Confirm your email address",
            $"Hi {user.DisplayName}, please confirm that {user.Email} is your address. Any bookings you made as a guest " +
            "with it then appear under My bookings in your account.", ct);

    public Task<bool> PasswordResetAsync(AppUser user, CancellationToken ct) =>
        AddAsync(NotificationType.PasswordReset, user, user.Email!, "Reset your password",
            $"Someone asked to reset the password of the Consulting account for {user.Email}. If it was you, choose a new " +
            "password with the link below. If it wasn't, ignore this email: your password stays as it is.", ct);

    public Task<bool> SignUpAttemptAsync(AppUser user, CancellationToken ct) =>
        AddAsync(NotificationType.SignUpAttempt, user, user.Email!, "Someone tried to sign up with your email",
            $"Someone just tried to create a Consulting account with {user.Email}, which already has one: yours. " +
            "If it was you, sign in, or reset your password if you've forgotten it. If it wasn't, you can ignore this email; " +
            "nothing changed and no second account was made.", ct);

    public Task<bool> ConfirmNewEmailAsync(AppUser user, string newEmail, CancellationToken ct) =>
        AddAsync(NotificationType.ConfirmNewEmail, user, newEmail, "Confirm your new email address",
            $"Hi {user.DisplayName}, you asked to change your Consulting account's email from {user.Email} to {newEmail}. " +
            $"Confirm with the link below; until you do, we keep using {user.Email}.", ct);

    public Task<bool> EmailChangedAsync(AppUser user, string oldEmail, CancellationToken ct) =>
        AddAsync(NotificationType.EmailChanged, user, oldEmail, "Your email address was changed",
            $"Your Consulting account now uses {user.Email} instead of this address. If you didn't change it, reset your " +
            "password straight away and reply to this email.", ct, capped: false);

    public Task<bool> PasswordChangedAsync(AppUser user, CancellationToken ct) =>
        AddAsync(NotificationType.PasswordChanged, user, user.Email!, "Your password was changed",
            $"The password of your Consulting account ({user.Email}) was just changed. If it wasn't you, reset it now.", ct, capped: false);

    /// <summary>
    /// The last email to a deleted account's address. It names nobody, and the address itself is
    /// forgotten once it has gone, so the row keeps nothing of the person.
    /// </summary>
    public void AccountDeleted(string email, string? zone, string summary)
    {
        var notification = Notification.Create(NotificationType.AccountDeleted, new Recipient(null, email, null, Zone(zone)), null,
            "Your Consulting account is deleted", $"Your account and the personal details it held are deleted. {summary}".Trim(),
            Notification.ChannelsFor(NotificationType.AccountDeleted, smsEnabled: false), clock.GetCurrentInstant());
        notification.ForgetRecipient();
        db.Notifications.Add(notification);
    }

    /// <summary>False when the address already had <see cref="PerAddressPerHour"/> of these within the hour (nothing is recorded).</summary>
    private async Task<bool> AddAsync(NotificationType type, AppUser user, string to, string title, string message,
        CancellationToken ct, bool capped = true)
    {
        var now = clock.GetCurrentInstant();
        if (capped)
        {
            var since = now - Duration.FromHours(1);
            // By account first: the (recipient, time) index finds them without reading every message sent.
            var recent = await db.Notifications.CountAsync(n => n.RecipientUserId == user.Id && n.CreatedAt > since
                && n.Type == type && n.RecipientEmail == to, ct);
            if (recent >= PerAddressPerHour) return false;
        }
        db.Notifications.Add(Notification.Create(type, new Recipient(user.Id, to, null, Zone(user.TimeZoneId)), null, title, message,
            Notification.ChannelsFor(type, smsEnabled: false), now));
        return true;
    }

    private static string Zone(string? zone) => TimeZones.IsKnown(zone) ? zone! : "UTC";
}

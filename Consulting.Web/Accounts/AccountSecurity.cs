using Consulting.Web.Bookings;
using Consulting.Web.Data;
using Consulting.Web.Payments;
using Microsoft.AspNetCore.Identity;

namespace Consulting.Web.Accounts;

/// <summary>The result of following an emailed link: the account, or null when the link is altered, expired or used.</summary>
public sealed record LinkOutcome(AppUser? User, int JoinedBookings = 0)
{
    public static readonly LinkOutcome Invalid = new((AppUser?)null);
    public bool Succeeded => User is not null;
}

/// <summary>
/// Passwords and email addresses: forgotten-password links, email confirmation (which joins the
/// guest bookings made with the address), changing the address or the password. The tokens are
/// Identity's (<see cref="LinkTokenProvider{TOptions}"/>); every change is told to the account's address.
/// </summary>
public sealed class AccountSecurity(
    UserManager<AppUser> users,
    AccountEmails emails,
    AccountSettings settings,
    CustomerBookings bookings,
    AppDbContext db,
    FollowUps followUps)
{
    public const string WrongPassword = "That isn't your current password.";

    /// <summary>"Forgot your password?": emails a reset link when the address has an account, and does nothing otherwise.</summary>
    public async Task RequestPasswordResetAsync(string email, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync((email ?? "").Trim());
        if (user is not null && await emails.PasswordResetAsync(user, ct)) await SaveAndSendAsync(ct);
    }

    public async Task<bool> IsResetLinkValidAsync(string? userId, string? code) =>
        await UserAsync(userId) is { } user && AccountLinks.Decode(code) is { } token
        && await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<AppUser>.ResetPasswordTokenPurpose, token);

    /// <summary>
    /// Sets a new password from a reset link; the link then stops working (the security stamp changes).
    /// The link came to the account's mailbox, so it confirms the address too, and ends any lockout.
    /// </summary>
    /// <returns>The outcome, and errors for the password field (with a valid link).</returns>
    public async Task<(LinkOutcome Outcome, IReadOnlyList<(string Field, string Message)> Errors)> ResetPasswordAsync(
        string? userId, string? code, string newPassword, CancellationToken ct)
    {
        if (await UserAsync(userId) is not { } user || AccountLinks.Decode(code) is not { } token) return (LinkOutcome.Invalid, []);
        var reset = await users.ResetPasswordAsync(user, token, newPassword ?? "");
        if (!reset.Succeeded)
        {
            return reset.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken))
                ? (LinkOutcome.Invalid, [])
                : (new LinkOutcome(user), reset.Errors.Select(e => ("NewPassword", e.Description)).ToList());
        }
        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        var joined = await ConfirmAddressAsync(user, ct);
        await emails.PasswordChangedAsync(user, ct);
        await SaveAndSendAsync(ct);
        return (new LinkOutcome(user, joined), []);
    }

    /// <summary>The link in a new account's confirmation email: confirms the address and joins its guest bookings.</summary>
    public async Task<LinkOutcome> ConfirmEmailAsync(string? userId, string? code, CancellationToken ct)
    {
        if (await UserAsync(userId) is not { } user || AccountLinks.Decode(code) is not { } token) return LinkOutcome.Invalid;
        if (!(await users.ConfirmEmailAsync(user, token)).Succeeded) return LinkOutcome.Invalid;
        return new LinkOutcome(user, await bookings.ClaimGuestBookingsAsync(user, ct));
    }

    /// <summary>Sends the confirmation link again; false when the address is already confirmed or had enough links this hour.</summary>
    public async Task<bool> ResendConfirmationAsync(AppUser user, CancellationToken ct)
    {
        if (user.EmailConfirmed || !await emails.ConfirmEmailAsync(user, ct)) return false;
        await SaveAndSendAsync(ct);
        return true;
    }

    /// <summary>
    /// Asks to move the account to another address: a link goes to the new one, and the change takes
    /// effect when it is followed. The current password is required, so a session left open can't
    /// hand the account to someone else. An address that belongs to another account is answered the
    /// same way (nothing is sent to it), so this form reveals no more than sign-up does.
    /// </summary>
    /// <returns>Errors keyed by field; empty when the visitor should check the new address.</returns>
    public async Task<IReadOnlyList<(string Field, string Message)>> RequestEmailChangeAsync(AppUser user, string newEmail,
        string currentPassword, CancellationToken ct)
    {
        var email = (newEmail ?? "").Trim();
        if (!await users.CheckPasswordAsync(user, currentPassword ?? "")) return [("CurrentPassword", WrongPassword)];
        if (string.Equals(email, user.Email, StringComparison.OrdinalIgnoreCase)) return [("NewEmail", "That is already your email address.")];
        if (await users.FindByEmailAsync(email) is null && await emails.ConfirmNewEmailAsync(user, email, ct)) await SaveAndSendAsync(ct);
        return [];
    }

    /// <summary>The link sent to a new address: the account moves to it (also for signing in) and its guest bookings join.</summary>
    public async Task<LinkOutcome> ConfirmEmailChangeAsync(string? userId, string? email, string? code, CancellationToken ct)
    {
        if (await UserAsync(userId) is not { } user || AccountLinks.Decode(code) is not { } token || string.IsNullOrWhiteSpace(email))
            return LinkOutcome.Invalid;
        var oldEmail = user.Email!;
        // Also refused when another account took the address since the link was sent.
        if (!(await users.ChangeEmailAsync(user, email, token)).Succeeded) return LinkOutcome.Invalid;
        // People sign in with their email: the user name follows it.
        if (!(await users.SetUserNameAsync(user, email)).Succeeded) return LinkOutcome.Invalid;
        await settings.ApplyToUpcomingBookingsAsync(user, ct);
        var joined = await bookings.ClaimGuestBookingsAsync(user, ct);
        await emails.EmailChangedAsync(user, oldEmail, ct);
        await SaveAndSendAsync(ct);
        return new LinkOutcome(user, joined);
    }

    /// <returns>Errors keyed by field; empty when changed.</returns>
    /// <summary>
    /// What is wrong with the passwords of an email or password change, asked beside the form's other
    /// checks so that it says everything at once: a wrong current password, the new one's rules.
    /// A missing field is the form's own message.
    /// </summary>
    public async Task<IReadOnlyList<(string Field, string Message)>> PasswordProblemsAsync(AppUser user, string? currentPassword, string? newPassword = null)
    {
        var errors = new List<(string, string)>();
        if (!string.IsNullOrEmpty(currentPassword) && !await users.CheckPasswordAsync(user, currentPassword)) errors.Add(("CurrentPassword", WrongPassword));
        if (!string.IsNullOrEmpty(newPassword))
            errors.AddRange((await PasswordRules.ProblemsAsync(users, user, newPassword)).Select(m => ("NewPassword", m)));
        return errors;
    }

    public async Task<IReadOnlyList<(string Field, string Message)>> ChangePasswordAsync(AppUser user, string currentPassword,
        string newPassword, CancellationToken ct)
    {
        var changed = await users.ChangePasswordAsync(user, currentPassword ?? "", newPassword ?? "");
        if (!changed.Succeeded)
        {
            return changed.Errors.Select(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)
                ? ("CurrentPassword", WrongPassword)
                : ("NewPassword", e.Description)).ToList();
        }
        await emails.PasswordChangedAsync(user, ct);
        await SaveAndSendAsync(ct);
        return [];
    }

    /// <summary>Whoever followed a link sent to the address owns it: confirmed, with its guest bookings.</summary>
    private async Task<int> ConfirmAddressAsync(AppUser user, CancellationToken ct)
    {
        if (!user.EmailConfirmed)
        {
            user.EmailConfirmed = true;
            await users.UpdateAsync(user);
        }
        return await bookings.ClaimGuestBookingsAsync(user, ct);
    }

    // Account ids are Guids: anything else in a link (PostgreSQL refuses a NUL outright) is no account.
    private async Task<AppUser?> UserAsync(string? userId) =>
        Guid.TryParse(userId, out _) ? await users.FindByIdAsync(userId!) : null;

    private async Task SaveAndSendAsync(CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        followUps.SendNotificationsSoon();
    }
}

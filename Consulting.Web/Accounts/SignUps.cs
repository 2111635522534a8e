using Consulting.Web.Data;
using Consulting.Web.Payments;
using Microsoft.AspNetCore.Identity;

namespace Consulting.Web.Accounts;

/// <summary>
/// Sign-up as the pages see it: a new address gets an account and a confirmation link; an address
/// that already has an account gets its owner a note (with sign-in and reset links) and nothing else.
/// Either way the visitor is told the same thing, "check your email", so the form doesn't reveal
/// which addresses are registered. Invalid details are refused the same way in both cases.
/// </summary>
public sealed class SignUps(Registration registration, UserManager<AppUser> users, AccountEmails emails, AppDbContext db, FollowUps followUps)
{
    /// <returns>Errors keyed by field; empty when the visitor should check their email.</returns>
    public Task<IReadOnlyList<(string Field, string Message)>> CustomerAsync(NewAccount account, CancellationToken ct) =>
        SignUpAsync(account, null, () => registration.RegisterCustomerAsync(account), ct);

    public Task<IReadOnlyList<(string Field, string Message)>> SpecialistAsync(NewSpecialist specialist, CancellationToken ct) =>
        SignUpAsync(specialist.Account, specialist, () => registration.RegisterSpecialistAsync(specialist), ct);

    /// <summary>Every rule these details break (password, name, zone, price), to say beside the form's own messages.</summary>
    public Task<IReadOnlyList<(string Field, string Message)>> CheckAsync(NewAccount account, NewSpecialist? specialist = null) =>
        registration.CheckAsync(account, specialist);

    private async Task<IReadOnlyList<(string Field, string Message)>> SignUpAsync(NewAccount account, NewSpecialist? specialist,
        Func<Task<RegistrationResult>> register, CancellationToken ct)
    {
        var owner = await users.FindByEmailAsync((account.Email ?? "").Trim());
        if (owner is null)
        {
            var result = await register();
            if (result.Succeeded)
            {
                await emails.ConfirmEmailAsync(result.User!, ct);
                await SaveAndSendAsync(ct);
                return [];
            }
            // Someone else took the address a moment ago: answered like any taken address.
            if (!Registration.IsTakenAddress(result)) return result.Errors;
            owner = await users.FindByEmailAsync(account.Email!.Trim());
            if (owner is null) return result.Errors;
        }

        var errors = await registration.CheckAsync(account, specialist);
        if (errors.Count > 0) return errors;
        // A new account's password is hashed; so is this one, or the time taken would tell them apart.
        _ = users.PasswordHasher.HashPassword(owner, account.Password ?? "");
        if (await emails.SignUpAttemptAsync(owner, ct)) await SaveAndSendAsync(ct);
        return [];
    }

    private async Task SaveAndSendAsync(CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        followUps.SendNotificationsSoon();
    }
}

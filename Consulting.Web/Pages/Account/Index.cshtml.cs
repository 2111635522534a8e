using System.ComponentModel.DataAnnotations;
using Consulting.Web.Accounts;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using NodaTime;

namespace Consulting.Web.Pages.Account;

/// <summary>
/// Account settings, for everyone signed in: name, phone for SMS, time zone; email (confirmed at the
/// new address before it takes effect); password (the current one required); confirming the address;
/// downloading one's data, and the way to deletion. Rate-limited like sign-in, as its forms check passwords.
/// </summary>
[Authorize]
[EnableRateLimiting(WebUi.SignInRateLimit)]
public sealed class IndexModel(
    UserManager<AppUser> users,
    SignInManager<AppUser> signIn,
    AccountSettings settings,
    AccountSecurity security,
    AccountData data,
    IClock clock) : PageModel
{
    /// <summary>Checked as a whole by <see cref="AccountSettings"/>, so every problem shows at once.</summary>
    public sealed class ProfileInput
    {
        public string? DisplayName { get; set; }
        public string? Phone { get; set; }
        public string? TimeZoneId { get; set; }
    }

    public sealed class EmailInput
    {
        [Required(ErrorMessage = "Enter the new email address.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        [StringLength(254, ErrorMessage = "Enter a valid email address.")]
        public string NewEmail { get; set; } = "";

        [Required(ErrorMessage = "Enter your current password.")]
        public string CurrentPassword { get; set; } = "";
    }

    public sealed class PasswordInput
    {
        [Required(ErrorMessage = "Enter your current password.")]
        public string CurrentPassword { get; set; } = "";

        [Required(ErrorMessage = "Choose a new password.")]
        public string NewPassword { get; set; } = "";

        [Required(ErrorMessage = "Type the new password again.")]
        [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords don't match.")]
        public string ConfirmPassword { get; set; } = "";
    }

    public ProfileInput Profile { get; set; } = new();
    public EmailInput ChangeEmail { get; set; } = new();
    public PasswordInput ChangePassword { get; set; } = new();
    public AppUser Account { get; private set; } = null!;
    public bool IsSpecialist { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadAsync() is { } gone) return gone;
        Profile = new ProfileInput { DisplayName = Account.DisplayName, Phone = Account.PhoneNumber, TimeZoneId = Account.TimeZoneId };
        return Page();
    }

    public async Task<IActionResult> OnPostProfileAsync([FromForm(Name = nameof(Profile))] ProfileInput input, CancellationToken ct)
    {
        if (await LoadAsync() is { } gone) return gone;
        Profile = input;
        var errors = await settings.UpdateProfileAsync(Account, input.DisplayName, input.Phone, input.TimeZoneId, ct);
        if (errors.Count > 0)
        {
            ModelState.AddErrors(errors, nameof(Profile));
            return this.InvalidForm();
        }
        return Saved("Your details are saved. Your upcoming bookings use them too.", "profile");
    }

    public async Task<IActionResult> OnPostEmailAsync([FromForm(Name = nameof(ChangeEmail))] EmailInput input, CancellationToken ct)
    {
        if (await LoadAsync() is { } gone) return gone;
        ChangeEmail = new EmailInput { NewEmail = input.NewEmail };
        if (!ModelState.IsValid)
        {
            ModelState.AddErrorsToValidFields(await security.PasswordProblemsAsync(Account, input.CurrentPassword), nameof(ChangeEmail));
            return this.InvalidForm();
        }
        var errors = await security.RequestEmailChangeAsync(Account, input.NewEmail, input.CurrentPassword, ct);
        if (errors.Count > 0)
        {
            ModelState.AddErrors(errors, nameof(ChangeEmail));
            return this.InvalidForm();
        }
        return Saved($"We've sent a link to {input.NewEmail.Trim()}. Your email stays {Account.Email} until you follow it.", "email");
    }

    public async Task<IActionResult> OnPostPasswordAsync([FromForm(Name = nameof(ChangePassword))] PasswordInput input, CancellationToken ct)
    {
        if (await LoadAsync() is { } gone) return gone;
        ModelState.AddErrorsToValidFields(await security.PasswordProblemsAsync(Account, input.CurrentPassword, input.NewPassword), nameof(ChangePassword));
        if (!ModelState.IsValid) return this.InvalidForm();
        var errors = await security.ChangePasswordAsync(Account, input.CurrentPassword, input.NewPassword, ct);
        if (errors.Count > 0)
        {
            ModelState.AddErrors(errors, nameof(ChangePassword));
            return this.InvalidForm();
        }
        // The security stamp changed: this session carries on; others end at their next check.
        await signIn.RefreshSignInAsync(Account);
        return Saved("Your password is changed.", "password");
    }

    public async Task<IActionResult> OnPostResendAsync(CancellationToken ct)
    {
        if (await LoadAsync() is { } gone) return gone;
        return Saved(Account.EmailConfirmed ? "Your email address is already confirmed."
            : await security.ResendConfirmationAsync(Account, ct) ? $"We've sent a new confirmation link to {Account.Email}."
            : "We've sent several links within the hour; please use the latest one, or try again later.", "confirm");
    }

    /// <summary>"Download your data": a JSON file of everything held about the person.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        if (await LoadAsync() is { } gone) return gone;
        Response.Headers.CacheControl = "no-store";
        var today = clock.GetCurrentInstant().InUtc().Date.ToString("yyyy-MM-dd", null);
        return File(await data.ExportAsync(Account, ct), "application/json", $"consulting-data-{today}.json");
    }

    private IActionResult Saved(string message, string section)
    {
        TempData["Flash"] = message;
        return Redirect("/account#" + section);
    }

    /// <summary>The signed-in account; a session whose account is gone is ended.</summary>
    private async Task<IActionResult?> LoadAsync()
    {
        Response.Headers.CacheControl = "no-store";
        if (await users.GetUserAsync(User) is not { } user)
        {
            await signIn.SignOutAsync();
            return Redirect(AccountLinks.SignIn);
        }
        Account = user;
        IsSpecialist = await users.IsInRoleAsync(user, Roles.Specialist);
        return null;
    }
}

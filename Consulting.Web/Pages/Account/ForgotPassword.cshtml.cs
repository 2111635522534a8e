using System.ComponentModel.DataAnnotations;
using Consulting.Web.Accounts;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consulting.Web.Pages.Account;

/// <summary>
/// "Forgot your password?": asks for the address and answers the same whether or not it has an
/// account; the reset link goes only to an address that does. Rate-limited per client, and capped
/// per address (<see cref="AccountEmails.PerAddressPerHour"/>).
/// </summary>
[EnableRateLimiting(WebUi.SignInRateLimit)]
public sealed class ForgotPasswordModel(AccountSecurity security) : PageModel
{
    private const string SentKey = "ResetSentTo";

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the email address you signed up with.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        [StringLength(254, ErrorMessage = "Enter a valid email address.")]
        public string Email { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Set after a request: the page then says where to look.</summary>
    public string? SentTo { get; private set; }

    public void OnGet(string? email)
    {
        SentTo = TempData[SentKey] as string;
        Input.Email = email ?? SentTo ?? "";
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return this.InvalidForm();
        await security.RequestPasswordResetAsync(Input.Email, ct);
        TempData[SentKey] = Input.Email.Trim();
        return RedirectToPage();
    }
}

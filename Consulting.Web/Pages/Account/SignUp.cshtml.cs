using System.ComponentModel.DataAnnotations;
using Consulting.Web.Accounts;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consulting.Web.Pages.Account;

[EnableRateLimiting(WebUi.SignInRateLimit)]
[SignedOutOnly]
public sealed class SignUpModel(SignUps signUps) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your name.")]
        [StringLength(80, MinimumLength = 2, ErrorMessage = "Enter your name (2–80 characters).")]
        public string DisplayName { get; set; } = "";

        [Required(ErrorMessage = "Enter your email address.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Choose a password.")]
        public string Password { get; set; } = "";

        /// <summary>Filled in from the browser's Intl zone when JavaScript runs.</summary>
        public string? TimeZoneId { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    /// <summary>A new address and a registered one get the same answer: "check your email" (see <see cref="SignUps"/>).</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var zone = Scheduling.ZoneLookup.TryFind(Input.TimeZoneId, out var detected) ? detected : null;
        var account = new NewAccount(Input.Email ?? "", Input.DisplayName ?? "", Input.Password ?? "", zone);
        if (!ModelState.IsValid)
        {
            ModelState.AddErrorsToValidFields(await signUps.CheckAsync(account));
            return this.InvalidForm();
        }
        var errors = await signUps.CustomerAsync(account, ct);
        if (errors.Count > 0)
        {
            ModelState.AddErrors(errors);
            return this.InvalidForm();
        }
        return CheckEmailModel.Show(this, account.Email, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null);
    }
}

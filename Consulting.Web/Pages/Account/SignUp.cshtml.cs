using System.ComponentModel.DataAnnotations;
using Consulting.Web.Accounts;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consulting.Web.Pages.Account;

[EnableRateLimiting(WebUi.SignInRateLimit)]
[SignedOutOnly]
public sealed class SignUpModel(Registration registration, SignInManager<AppUser> signIn) : PageModel
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

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid) return this.InvalidForm();
        var zone = Scheduling.ZoneLookup.TryFind(Input.TimeZoneId, out var detected) ? detected : null;
        var result = await registration.RegisterCustomerAsync(new NewAccount(Input.Email, Input.DisplayName, Input.Password, zone));
        if (!result.Succeeded)
        {
            ModelState.AddErrors(result.Errors);
            return this.InvalidForm();
        }
        await signIn.SignInAsync(result.User!, isPersistent: false);
        TempData["Flash"] = $"Welcome, {result.User!.DisplayName}! Your account is ready.";
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}

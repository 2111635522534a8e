using System.ComponentModel.DataAnnotations;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consulting.Web.Pages.Account;

[EnableRateLimiting(WebUi.SignInRateLimit)]
public sealed class SignInModel(SignInManager<AppUser> signIn, Accounts.SignInThrottle throttle) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your email address.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        public string Password { get; set; } = "";

        public bool RememberMe { get; set; }
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
        var email = Input.Email.Trim();
        var client = WebUi.ClientPartition(HttpContext);
        if (throttle.IsRefused(email, client))
        {
            ModelState.AddModelError("", "Too many failed attempts for this account from your network. Wait 15 minutes, then try again.");
            var refused = Page();
            refused.StatusCode = StatusCodes.Status429TooManyRequests;
            return refused;
        }
        // An unknown email costs the same hashing as a wrong password: the timing tells nothing.
        var user = await signIn.UserManager.FindByNameAsync(email);
        if (user is null) throttle.HashAsIfKnown(Input.Password);
        var result = user is not null ? await signIn.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: true)
            : throttle.FailedUnknown(email) ? Microsoft.AspNetCore.Identity.SignInResult.LockedOut
            : Microsoft.AspNetCore.Identity.SignInResult.Failed;
        if (result.Succeeded) throttle.Succeeded(email, client);
        else if (!result.IsLockedOut) throttle.Failed(email, client);
        if (result.Succeeded) return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        ModelState.AddModelError("", result.IsLockedOut
            ? "Too many failed attempts. Your account is locked for a few minutes."
            : "That email and password don't match an account.");
        return this.InvalidForm();
    }
}

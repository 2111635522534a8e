using System.ComponentModel.DataAnnotations;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consulting.Web.Pages.Account;

[EnableRateLimiting(WebUi.SignInRateLimit)]
public sealed class SignInModel(SignInManager<AppUser> signIn) : PageModel
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
        var result = await signIn.PasswordSignInAsync(Input.Email.Trim(), Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded) return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        ModelState.AddModelError("", result.IsLockedOut
            ? "Too many failed attempts. Your account is locked for a few minutes."
            : "That email and password don't match an account.");
        return this.InvalidForm();
    }
}

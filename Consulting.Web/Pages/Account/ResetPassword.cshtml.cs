using System.ComponentModel.DataAnnotations;
using Consulting.Web.Accounts;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consulting.Web.Pages.Account;

/// <summary>
/// The emailed reset link: a new password, then signed in. An altered, expired or used link gets
/// 400 and a way to ask for another. The token rides in the form, never in a cookie or the database.
/// </summary>
[EnableRateLimiting(WebUi.SignInRateLimit)]
public sealed class ResetPasswordModel(AccountSecurity security, SignInManager<AppUser> signIn) : PageModel
{
    public sealed class InputModel
    {
        public string? UserId { get; set; }
        public string? Code { get; set; }

        [Required(ErrorMessage = "Choose a new password.")]
        public string NewPassword { get; set; } = "";

        [Required(ErrorMessage = "Type the new password again.")]
        [Compare(nameof(NewPassword), ErrorMessage = "The two passwords don't match.")]
        public string ConfirmPassword { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>False when the link can't be used: the page offers a new one instead of the form.</summary>
    public bool LinkWorks { get; private set; } = true;

    public async Task<IActionResult> OnGetAsync(string? userId, string? code)
    {
        Input = new InputModel { UserId = userId, Code = code };
        Response.Headers.CacheControl = "no-store";
        return await security.IsResetLinkValidAsync(userId, code) ? Page() : BrokenLink();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (!await security.IsResetLinkValidAsync(Input.UserId, Input.Code)) return BrokenLink();
        if (!ModelState.IsValid) return this.InvalidForm();
        var (outcome, errors) = await security.ResetPasswordAsync(Input.UserId, Input.Code, Input.NewPassword, ct);
        if (!outcome.Succeeded) return BrokenLink();
        if (errors.Count > 0)
        {
            ModelState.AddErrors(errors);
            return this.InvalidForm();
        }
        await signIn.SignInAsync(outcome.User!, isPersistent: false);
        TempData["Flash"] = "Your password is changed, and you're signed in.";
        return LocalRedirect("/");
    }

    private PageResult BrokenLink()
    {
        LinkWorks = false;
        return this.PageWithStatus(StatusCodes.Status400BadRequest);
    }
}

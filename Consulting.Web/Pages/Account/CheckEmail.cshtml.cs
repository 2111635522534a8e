using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Account;

/// <summary>
/// After signing up: the same words whether the address was new (a confirmation link went out) or
/// already had an account (its owner got a note), so the page tells nobody which it was.
/// </summary>
public sealed class CheckEmailModel : PageModel
{
    private const string EmailKey = "SignUpEmail";
    private const string NextKey = "SignUpNext";

    public string? Email { get; private set; }
    public string SignInUrl { get; private set; } = AccountLinks.SignIn;

    /// <summary>Sends the visitor here (after a POST, so a reload doesn't sign up twice).</summary>
    public static IActionResult Show(PageModel from, string email, string? next)
    {
        from.TempData[EmailKey] = email.Trim();
        from.TempData[NextKey] = next;
        return from.RedirectToPage("/Account/CheckEmail");
    }

    public void OnGet()
    {
        Email = TempData[EmailKey] as string;
        if (TempData[NextKey] is string next && Url.IsLocalUrl(next))
            SignInUrl = Url.Page("/Account/SignIn", new { ReturnUrl = next })!;
    }
}

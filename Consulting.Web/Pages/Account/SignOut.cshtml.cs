using Consulting.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Account;

/// <summary>Signing out is a POST (a GET shows the button), so a link can't sign anyone out.</summary>
public sealed class SignOutModel(SignInManager<AppUser> signIn) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        TempData["Flash"] = "You're signed out.";
        return LocalRedirect("/");
    }
}

using Consulting.Web.Accounts;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Account;

/// <summary>
/// The links in confirmation emails: a new account's address, and (with <c>email</c>, the address the
/// token was made for) a new address for an existing account. Either confirms the address and joins
/// the guest bookings made with it. An altered or expired link gets 400.
/// </summary>
public sealed class ConfirmEmailModel(AccountSecurity security, SignInManager<AppUser> signIn, UserManager<AppUser> users) : PageModel
{
    public LinkOutcome Outcome { get; private set; } = LinkOutcome.Invalid;
    public bool IsChange { get; private set; }
    /// <summary>Whether the visitor is signed in as the account the link was for.</summary>
    public bool SignedInAsThem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? userId, string? code, string? email, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        IsChange = email is not null;
        Outcome = IsChange
            ? await security.ConfirmEmailChangeAsync(userId, email, code, ct)
            : await security.ConfirmEmailAsync(userId, code, ct);
        if (!Outcome.Succeeded) return this.PageWithStatus(StatusCodes.Status400BadRequest);
        SignedInAsThem = signIn.IsSignedIn(User) && users.GetUserId(User) == Outcome.User!.Id;
        // Changing the address renewed the security stamp: keep this session, the one that proved it.
        if (IsChange && SignedInAsThem) await signIn.RefreshSignInAsync(Outcome.User!);
        return Page();
    }
}

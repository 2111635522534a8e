using System.ComponentModel.DataAnnotations;
using Consulting.Web.Accounts;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consulting.Web.Pages.Account;

/// <summary>
/// Deleting the account: the page lists what will be cancelled (and refunded) before the person
/// confirms with their password. A specialist with upcoming bookings, or an admin, is told why not
/// (409 if they post anyway).
/// </summary>
[Authorize]
[EnableRateLimiting(WebUi.SignInRateLimit)]
public sealed class DeleteModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, AccountDeletion deletion) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your password to confirm.")]
        public string Password { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public DeletionPreview Preview { get; private set; } = null!;
    public CancellationPolicy Policy { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } gone) return gone;
        if (Preview.Refusal is not null) return Conflict();
        if (!ModelState.IsValid) return this.InvalidForm();
        var user = (await users.GetUserAsync(User))!;
        switch (await deletion.DeleteAsync(user, Input.Password, ct))
        {
            case DeletionOutcome.Deleted deleted:
                await signIn.SignOutAsync();
                TempData["Flash"] = $"Your account is deleted. {deleted.Summary}".Trim();
                return LocalRedirect("/");
            case DeletionOutcome.WrongPassword:
                ModelState.AddModelError("Input.Password", "That isn't your password.");
                return this.InvalidForm();
            case DeletionOutcome.Refused refused:
                Preview = Preview with { Refusal = refused.Message };
                return Conflict();
            default:
                return NotFound();
        }
    }

    private PageResult Conflict() => this.PageWithStatus(StatusCodes.Status409Conflict);

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (await users.GetUserAsync(User) is not { } user)
        {
            await signIn.SignOutAsync();
            return Redirect(AccountLinks.SignIn);
        }
        Preview = await deletion.PreviewAsync(user, ct);
        Policy = deletion.Policy;
        return null;
    }
}

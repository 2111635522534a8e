using System.ComponentModel.DataAnnotations;
using Consulting.Web.Accounts;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consulting.Web.Pages.Account;

[EnableRateLimiting(WebUi.SignInRateLimit)]
[SignedOutOnly]
public sealed class SpecialistSignUpModel(SignUps signUps) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter the name customers will see.")]
        [StringLength(80, MinimumLength = 2, ErrorMessage = "Enter your name (2–80 characters).")]
        public string DisplayName { get; set; } = "";

        [Required(ErrorMessage = "Enter your email address.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Choose a password.")]
        public string Password { get; set; } = "";

        [StringLength(140, ErrorMessage = "Keep the headline under 140 characters.")]
        public string? Headline { get; set; }

        [Required(ErrorMessage = "Choose your time zone.")]
        public string TimeZoneId { get; set; } = "";

        [Required(ErrorMessage = "Choose a currency.")]
        public string Currency { get; set; } = "USD";

        [Required(ErrorMessage = "Enter a price, e.g. 100.00.")]
        public string Price { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Every field checked, whatever the others hold: the form reports all its problems at once.
        var zone = ZoneLookup.Find(Input.TimeZoneId);
        if (zone.Found) Input.TimeZoneId = zone.ZoneId!;
        else if (!string.IsNullOrWhiteSpace(Input.TimeZoneId)) ModelState.AddModelError("Input.TimeZoneId", zone.Error!);
        var currency = (Input.Currency ?? "").Trim().ToUpperInvariant();
        long priceMinor = 0;
        if (!Currencies.Common.Contains(currency))
            ModelState.AddModelError("Input.Currency", "Choose one of the listed currencies.");
        else if (!string.IsNullOrWhiteSpace(Input.Price) && (!Currencies.TryParseMajor(Input.Price, currency, out priceMinor) || priceMinor < 0))
            ModelState.AddModelError("Input.Price", "Enter a price of zero or more, e.g. 100.00.");
        var zoneId = zone.ZoneId ?? Input.TimeZoneId ?? "";
        var details = new NewSpecialist(new NewAccount(Input.Email ?? "", Input.DisplayName ?? "", Input.Password ?? "", zoneId),
            Input.Headline ?? "", zoneId, Currencies.Common.Contains(currency) ? currency : "USD", Math.Max(0, priceMinor));
        if (!ModelState.IsValid)
        {
            ModelState.AddErrorsToValidFields(await signUps.CheckAsync(details.Account, details));
            return this.InvalidForm();
        }

        // A new address and a registered one get the same answer, so the form reveals nothing (see SignUps).
        var errors = await signUps.SpecialistAsync(details, ct);
        if (errors.Count > 0)
        {
            ModelState.AddErrors(errors);
            return this.InvalidForm();
        }
        return CheckEmailModel.Show(this, details.Account.Email, "/specialist/availability");
    }
}

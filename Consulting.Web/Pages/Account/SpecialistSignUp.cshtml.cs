using System.ComponentModel.DataAnnotations;
using Consulting.Web.Accounts;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using NodaTime;

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
        public DateTimeZone? TimeZoneId { get; set; }

        [Required(ErrorMessage = "Choose a currency."), ListedCurrency]
        public string Currency { get; set; } = "USD";

        [CurrencyFrom(nameof(Currency), Missing = InputMessages.PriceMissing)]
        public Money? Price { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Every field checked, whatever the others hold: the form reports all its problems at once.
        var zoneId = Input.TimeZoneId?.Id ?? "";
        var price = Input.Price ?? Money.Zero("USD");
        var details = new NewSpecialist(new NewAccount(Input.Email ?? "", Input.DisplayName ?? "", Input.Password ?? "", zoneId),
            Input.Headline ?? "", zoneId, price.Currency, price.Minor);
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

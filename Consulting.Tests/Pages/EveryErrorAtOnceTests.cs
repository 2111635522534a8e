using System.Net;
using AngleSharp.Html.Dom;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Pages;

/// <summary>
/// Every form says everything wrong with it in one go: the error summary at the top (Pages/Shared/_FormErrors)
/// links to each invalid field, and each field carries aria-invalid and aria-describedby naming its message.
/// Checkout and the card form are in Booking/ForgivingFormsTests.
/// </summary>
public sealed class EveryErrorAtOnceTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    /// <summary>The summary inside <paramref name="scope"/> links exactly to these field ids (some fields may have several messages), and each field points at its message.</summary>
    private static IReadOnlyDictionary<string, string> AssertSummary(IHtmlDocument page, string scope, params string[] fieldIds)
    {
        var summary = page.QuerySelector($"{scope} [data-error-summary]");
        Assert.NotNull(summary);
        var links = summary.QuerySelectorAll("a").Select(a => (Href: a.GetAttribute("href")!, Text: a.Text())).ToList();
        Assert.Equal(fieldIds.Select(id => "#" + id).Order(), links.Select(l => l.Href).Distinct().Order());
        foreach (var id in fieldIds)
        {
            var field = page.GetElementById(id);
            Assert.NotNull(field);
            Assert.Equal("true", field.GetAttribute("aria-invalid"));
            var described = (field.GetAttribute("aria-describedby") ?? "").Split(' ').Select(page.GetElementById).Where(e => e is not null).Select(e => e!.Text());
            // The message beside the field is the summary's first one for it.
            Assert.Contains(links.First(l => l.Href == "#" + id).Text, described);
        }
        return links.GroupBy(l => l.Href[1..]).ToDictionary(g => g.Key, g => g.First().Text);
    }

    [Fact]
    public async Task Specialist_sign_up_reports_name_email_password_zone_and_price_at_once()
    {
        var client = app.CreateBrowserLikeClient();
        var page = await client.GetPageAsync("/account/specialist-sign-up");

        var response = await client.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "", ["Input.Email"] = "not-an-email", ["Input.Password"] = "short",
            ["Input.TimeZoneId"] = "Mars/Olympus_Mons", ["Input.Currency"] = "EUR", ["Input.Price"] = "lots",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        var messages = AssertSummary(refused, "main form", "Input_DisplayName", "Input_Email", "Input_Password", "Input_TimeZoneId", "Input_Price");
        Assert.Equal("Enter the name customers will see.", messages["Input_DisplayName"]);
        Assert.Equal("Enter a valid email address.", messages["Input_Email"]);
        // One quoting style for what was typed: curly quotes, and a full stop.
        Assert.Equal("\u201CMars/Olympus_Mons\u201D is not a time zone we know. Type your city, e.g. Berlin, or its IANA name like Europe/Berlin.",
            messages["Input_TimeZoneId"]);
        Assert.Equal("Enter a price of zero or more, e.g. 100.00.", messages["Input_Price"]);
        Assert.StartsWith("There are ", refused.QuerySelector("[data-error-summary] h2").Text());
        Assert.True(refused.QuerySelector("[data-error-summary]")!.HasAttribute("autofocus"));
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == "not-an-email")));
    }

    [Fact]
    public async Task Customer_sign_up_reports_the_password_rules_with_the_other_fields()
    {
        var client = app.CreateBrowserLikeClient();
        var page = await client.GetPageAsync("/account/sign-up");

        var response = await client.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "A", ["Input.Email"] = "", ["Input.Password"] = "short",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var messages = AssertSummary(await Html.ParseAsync(response), "main form", "Input_DisplayName", "Input_Email", "Input_Password");
        Assert.Equal("Enter your name (2–80 characters).", messages["Input_DisplayName"]);
        Assert.Equal("Enter your email address.", messages["Input_Email"]);
    }

    [Fact]
    public async Task Account_details_report_every_field_in_their_own_forms_summary()
    {
        var customer = await app.CreateCustomerAsync("Ana Díaz");
        var page = await customer.Client.GetPageAsync("/account");

        var response = await customer.Client.SubmitAsync(page, "form[action*='handler=Profile']", new Dictionary<string, string>
        {
            ["Profile.DisplayName"] = "A", ["Profile.Phone"] = "12345", ["Profile.TimeZoneId"] = "Mars/Olympus_Mons",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        var messages = AssertSummary(refused, "#profile", "Profile_DisplayName", "Profile_Phone", "Profile_TimeZoneId");
        Assert.Equal("\u201CMars/Olympus_Mons\u201D is not a time zone we know. Pick one from the list, e.g. Europe/Berlin.", messages["Profile_TimeZoneId"]);
        // One summary: the page's other forms and its top say nothing.
        Assert.Single(refused.QuerySelectorAll("[data-error-summary]"));
    }

    [Fact]
    public async Task Password_and_email_changes_report_a_wrong_current_password_beside_the_other_fields()
    {
        var customer = await app.CreateCustomerAsync("Ana Díaz");
        var page = await customer.Client.GetPageAsync("/account");

        var password = await customer.Client.SubmitAsync(page, "form[action*='handler=Password']", new Dictionary<string, string>
        {
            ["ChangePassword.CurrentPassword"] = "not my password", ["ChangePassword.NewPassword"] = "short", ["ChangePassword.ConfirmPassword"] = "shorter",
        });
        var email = await customer.Client.SubmitAsync(page, "form[action*='handler=Email']", new Dictionary<string, string>
        {
            ["ChangeEmail.NewEmail"] = "not an address", ["ChangeEmail.CurrentPassword"] = "not my password",
        });

        Assert.Equal(HttpStatusCode.BadRequest, password.StatusCode);
        var passwordMessages = AssertSummary(await Html.ParseAsync(password), "#password",
            "ChangePassword_CurrentPassword", "ChangePassword_NewPassword", "ChangePassword_ConfirmPassword");
        Assert.Equal(AccountSecurity.WrongPassword, passwordMessages["ChangePassword_CurrentPassword"]);
        Assert.Contains("at least", passwordMessages["ChangePassword_NewPassword"]);
        Assert.Equal(HttpStatusCode.BadRequest, email.StatusCode);
        var emailMessages = AssertSummary(await Html.ParseAsync(email), "#email", "ChangeEmail_NewEmail", "ChangeEmail_CurrentPassword");
        Assert.Equal(AccountSecurity.WrongPassword, emailMessages["ChangeEmail_CurrentPassword"]);
        // Nothing changed.
        Assert.Equal(HttpStatusCode.Redirect, (await app.CreateBrowserLikeClient().SignInAsync(customer.Email, CustomerAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task The_review_form_reports_the_missing_stars_and_text_together()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var customer = await app.CreateCustomerAsync();
        var booking = await app.CompleteAsync(specialist, await app.ConfirmedBookingAsync(specialist.Slots[3], customer: customer));
        var page = await customer.Client.GetPageAsync($"/bookings/{booking.Id:N}");

        var response = await customer.Client.SubmitAsync(page, "form.review-form", new Dictionary<string, string> { ["Input.Text"] = "  " });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        var messages = AssertSummary(refused, "form.review-form", "Input_Rating", "Input_Text");
        Assert.Equal("Choose between 1 and 5 stars.", messages["Input_Rating"]);
        // Every star of the group is marked and described, not only the first.
        Assert.All(refused.QuerySelectorAll("input[name='Input.Rating']"), r => Assert.Equal("Input_Rating-error", r.GetAttribute("aria-describedby")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Availability_settings_report_zone_price_and_buffer_at_once(bool htmx)
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var response = await page.SaveSettingsAsync("Mars/Olympus_Mons", "-5", bufferMinutes: "ten", htmx: htmx);

        Assert.Equal(htmx ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        AssertSummary(refused, "#settings", "Settings_TimeZoneId", "Settings_BufferMinutes", "Settings_Price");
        // An htmx swap moves the focus to the first invalid field (focus.js); a full page focuses the summary.
        Assert.Equal(!htmx, refused.QuerySelector("[data-error-summary]")!.HasAttribute("autofocus"));
        Assert.Single(refused.QuerySelectorAll("[data-error-summary]"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_new_window_reports_every_field_in_its_days_summary(bool htmx)
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var response = await page.AddWindowAsync(IsoDayOfWeek.Monday, "", "25:00", "", "free", htmx);

        var refused = await Html.ParseAsync(response);
        AssertSummary(refused, "#day-monday", "day-monday-start", "day-monday-end", "day-monday-len", "day-monday-price");
        Assert.Single(refused.QuerySelectorAll("[data-error-summary]"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_find_filters_report_dates_price_and_zone_at_once(bool htmx)
    {
        var client = app.CreateBrowserLikeClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/find?From=someday&To=2026-13-01&MaxPrice=lots&Currency=EUR&tz=Europe%2FBerlim");
        if (htmx) request.Headers.Add("HX-Request", "true");

        var response = await client.SendAsync(request);

        Assert.Equal(htmx ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        var messages = AssertSummary(refused, "#find-errors", "From", "To", "MaxPrice", "find-tz");
        Assert.StartsWith("\u201CEurope/Berlim\u201D is not a time zone we know.", messages["find-tz"]);
        Assert.Equal("Enter a date like 2026-11-30.", messages["From"]);
    }
}

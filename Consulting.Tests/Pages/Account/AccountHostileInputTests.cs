using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Tests.Pages.Account;

/// <summary>Odd and hostile input to the account pages gets a 4xx with a message, never a 500 or a change.</summary>
public sealed class AccountHostileInputTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private static readonly string Long = new('x', 5000);

    [Theory]
    [InlineData("/account/confirm-email?userId=%27%20OR%201%3D1--&code=abc")]
    [InlineData("/account/confirm-email?userId=x&code=%21%21%21&email=%00")]
    [InlineData("/account/confirm-email?userId=x&email=someone%40example.test")]
    [InlineData("/account/confirm-email?code=AAAA")]
    [InlineData("/account/reset-password?userId=x&code=not-base64url-%E2%9C%93")]
    [InlineData("/account/reset-password?userId=&code=")]
    public async Task A_broken_link_is_a_400_page_that_offers_a_way_on(string url)
    {
        var response = await app.CreateBrowserLikeClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("doesn't work", (await Html.ParseAsync(response)).QuerySelector("h1").Text());
    }

    [Fact]
    public async Task Very_long_values_are_refused_beside_their_fields()
    {
        var anonymous = app.CreateBrowserLikeClient();
        var forgot = await anonymous.SubmitAsync(await anonymous.GetPageAsync("/account/forgot-password"), "main form",
            new Dictionary<string, string> { ["Input.Email"] = Long + "@example.test" });
        Assert.Equal(HttpStatusCode.BadRequest, forgot.StatusCode);
        Assert.Equal("Enter a valid email address.", (await Html.ParseAsync(forgot)).FieldError("Input.Email"));
        var reset = await anonymous.PostWithTokenAsync(await anonymous.GetPageAsync("/account/forgot-password"), "/account/reset-password",
            new Dictionary<string, string> { ["Input.UserId"] = Long, ["Input.Code"] = Long, ["Input.NewPassword"] = Long, ["Input.ConfirmPassword"] = Long });
        Assert.Equal(HttpStatusCode.BadRequest, reset.StatusCode);

        var customer = await app.CreateCustomerAsync("Hugo Hostile");
        var page = await customer.Client.GetPageAsync("/account");
        var profile = await customer.Client.SubmitAsync(page, "form[action*='handler=Profile']", new Dictionary<string, string>
        {
            ["Profile.DisplayName"] = Long,
            ["Profile.Phone"] = "+1" + Long,
            ["Profile.TimeZoneId"] = "../../etc/passwd",
        });
        Assert.Equal(HttpStatusCode.BadRequest, profile.StatusCode);
        var refused = await Html.ParseAsync(profile);
        Assert.Equal("Enter your name (2–80 characters).", refused.FieldError("Profile.DisplayName"));
        Assert.NotEqual("", refused.FieldError("Profile.Phone"));
        Assert.Contains("is not a time zone we know.", refused.FieldError("Profile.TimeZoneId"));
        var email = await customer.Client.SubmitAsync(page, "form[action*='handler=Email']", new Dictionary<string, string>
        {
            ["ChangeEmail.NewEmail"] = "a@" + Long,
            ["ChangeEmail.CurrentPassword"] = Long,
        });
        Assert.Equal(HttpStatusCode.BadRequest, email.StatusCode);
        var delete = await customer.Client.SubmitAsync(await customer.Client.GetPageAsync("/account/delete"), "main form",
            new Dictionary<string, string> { ["Input.Password"] = Long });
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Equal("Hugo Hostile", await app.WithDbAsync(db => db.Users.Where(u => u.Id == customer.UserId).Select(u => u.DisplayName).SingleAsync()));
    }

    [Fact]
    public async Task Markup_in_a_name_is_shown_as_text()
    {
        var customer = await app.CreateCustomerAsync("Ana Díaz");
        var page = await customer.Client.GetPageAsync("/account");

        await customer.Client.SubmitAsync(page, "form[action*='handler=Profile']", new Dictionary<string, string>
        {
            ["Profile.DisplayName"] = "<b>Bold</b> Ana",
            ["Profile.Phone"] = "",
            ["Profile.TimeZoneId"] = "",
        });

        var after = await customer.Client.GetPageAsync("/account");
        Assert.Equal("<b>Bold</b> Ana", after.QuerySelector(".nav-user").Text());
        Assert.Null(after.QuerySelector(".nav-user b"));
    }

    [Fact]
    public async Task Changing_to_an_address_another_account_has_looks_the_same_and_sends_it_nothing()
    {
        var customer = await app.CreateCustomerAsync();
        var page = await customer.Client.GetPageAsync("/account");

        var response = await customer.Client.SubmitAsync(page, "form[action*='handler=Email']", new Dictionary<string, string>
        {
            ["ChangeEmail.NewEmail"] = DemoData.CustomerEmail,
            ["ChangeEmail.CurrentPassword"] = CustomerAccounts.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"We've sent a link to {DemoData.CustomerEmail}. Your email stays {customer.Email} until you follow it.",
            (await customer.Client.GetPageAsync("/account")).QuerySelector(".flash").Text());
        Assert.Equal(0, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.RecipientEmail == DemoData.CustomerEmail
            && n.Type == Consulting.Web.Domain.NotificationType.ConfirmNewEmail)));
    }
}

using System.Net;
using Consulting.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Tests.Pages.Account;

/// <summary>Sign-up doesn't tell anyone which addresses are registered; the owner of one hears of the attempt.</summary>
public sealed class SignUpPrivacyTests : MailingAppTests
{
    private const string Password = "a long enough password";
    /// <summary>What a visitor can see of a sign-up: the answer, where it leads, the cookies it sets, and that page.</summary>
    private async Task<(HttpStatusCode Status, string? Location, string Cookies, string Page)> SignUpAsync(string email)
    {
        var client = App.CreateBrowserLikeClient();
        var response = await client.SignUpAsync("Robin Visitor", email, Password);
        var cookies = string.Join(";", response.Headers.TryGetValues("Set-Cookie", out var set)
            ? set.Select(c => c.Split('=')[0]).Order() : []);
        var page = (await client.GetPageAsync(response.Headers.Location!.OriginalString)).QuerySelector("main")!.TextContent;
        return (response.StatusCode, response.Headers.Location?.OriginalString, cookies, page.Replace(email, "ADDRESS"));
    }

    [Fact]
    public async Task Signing_up_with_a_registered_address_shows_the_same_page_and_emails_the_owner()
    {
        var owner = await App.CreateCustomerAsync("Olive Owner");
        var fresh = AccountPages.UniqueEmail("fresh");
        var users = await App.WithDbAsync(db => db.Users.CountAsync());

        var newcomer = await SignUpAsync(fresh);
        var copycat = await SignUpAsync(owner.Email);

        Assert.Equal(HttpStatusCode.Redirect, copycat.Status);
        Assert.Equal("/account/check-email", copycat.Location);
        Assert.Equal(newcomer, copycat);
        Assert.Contains("We've sent a message to ADDRESS", copycat.Page);
        Assert.Equal(users + 1, await App.WithDbAsync(db => db.Users.CountAsync()));

        var note = await Smtp.SingleMailAsync(App, owner.Email, "Someone tried to sign up with your email");
        Assert.Contains($"Someone just tried to create a Consulting account with {owner.Email}, which already has one", note.TextBody);
        var links = await note.ButtonLinksAsync();
        Assert.Equal("/account/sign-in", links[0]);
        Assert.StartsWith("/account/reset-password?userId=", links[1]);
        // Its reset link works, for the owner who had forgotten they had an account.
        Assert.Equal(HttpStatusCode.OK, (await App.CreateBrowserLikeClient().GetAsync(links[1])).StatusCode);
        // Nothing about the account changed: the owner's password still works.
        Assert.Equal(HttpStatusCode.Redirect, (await App.CreateBrowserLikeClient().SignInAsync(owner.Email, CustomerAccounts.Password)).StatusCode);
        Assert.Single(await Smtp.MailToAsync(App, fresh), m => m.Subject == "Confirm your email address");
    }

    [Fact]
    public async Task A_registered_address_gets_the_same_refusals_as_a_new_one()
    {
        var owner = await App.CreateCustomerAsync();
        foreach (var email in new[] { owner.Email, AccountPages.UniqueEmail("fresh") })
        {
            var response = await App.CreateBrowserLikeClient().SignUpAsync("Robin Visitor", email, "short");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("at least 10 characters", (await Html.ParseAsync(response)).FieldError("Input.Password"));
        }
        Assert.Empty(await Smtp.MailToAsync(App, owner.Email, atLeast: 0));
    }

    [Fact]
    public async Task Specialist_sign_up_with_a_registered_address_reveals_nothing_and_makes_no_profile()
    {
        var owner = await App.CreateCustomerAsync();
        var client = App.CreateBrowserLikeClient();
        var form = await client.GetPageAsync("/account/specialist-sign-up");

        var response = await client.SubmitAsync(form, "main form", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Copy Cat",
            ["Input.Email"] = owner.Email,
            ["Input.Password"] = Password,
            ["Input.TimeZoneId"] = "Europe/Berlin",
            ["Input.Currency"] = "EUR",
            ["Input.Price"] = "90",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/check-email", response.Headers.Location?.OriginalString);
        Assert.Equal(0, await App.WithDbAsync(db => db.Specialists.CountAsync(s => s.UserId == owner.UserId)));
        Assert.Single(await Smtp.MailToAsync(App, owner.Email), m => m.Subject == "Someone tried to sign up with your email");
    }
}

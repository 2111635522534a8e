using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Pages.Account;

public sealed class AccountFlowTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private const string GoodPassword = "correct horse battery";

    [Fact]
    public async Task Customer_sign_up_creates_a_customer_who_can_sign_in_before_confirming()
    {
        var client = app.CreateBrowserLikeClient();
        var email = AccountPages.UniqueEmail("carol");

        var response = await client.SignUpAsync("Carol Jones", email, GoodPassword, "Asia/Tokyo");

        // Not signed in yet: a registered address gets this same answer (SignUpPrivacyTests).
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/check-email", response.Headers.Location?.OriginalString);
        var check = await client.GetPageAsync("/account/check-email");
        Assert.Contains($"We've sent a message to {email}", check.QuerySelector("main").Text());
        Assert.Null(check.QuerySelector(".nav-user"));
        Assert.Equal("/account/sign-in", check.QuerySelector("main a.button")?.GetAttribute("href"));

        await client.SignInOrFailAsync(email, GoodPassword);
        var home = await client.GetPageAsync("/");
        Assert.Equal("Carol Jones", home.QuerySelector(".nav-user").Text());

        var (roles, zone) = await UserRolesAndZoneAsync(email);
        Assert.Equal([Roles.Customer], roles);
        Assert.Equal("Asia/Tokyo", zone);
    }

    [Theory]
    [InlineData("/account/sign-up")]
    [InlineData("/account/specialist-sign-up")]
    public async Task A_signed_in_visitor_is_not_switched_to_a_new_account_by_the_sign_up_pages(string signUp)
    {
        var client = app.CreateBrowserLikeClient();
        var email = AccountPages.UniqueEmail("carol");
        await client.SignUpAsync("Carol Jones", email, GoodPassword);
        await client.SignInOrFailAsync(email, GoodPassword);
        var usersBefore = await app.WithDbAsync(db => db.Users.CountAsync());

        var opened = await client.GetAsync(signUp);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal("/", opened.Headers.Location?.OriginalString);
        var home = await client.GetPageAsync("/");
        Assert.Equal($"You're already signed in as {email}. To create another account, sign out first.", home.QuerySelector(".flash").Text());

        var posted = await client.PostWithTokenAsync(home, signUp, new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Second Me", ["Input.Email"] = AccountPages.UniqueEmail("second"), ["Input.Password"] = GoodPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(usersBefore, await app.WithDbAsync(db => db.Users.CountAsync()));
        Assert.Equal("Carol Jones", (await client.GetPageAsync("/")).QuerySelector(".nav-user").Text());
    }

    [Fact]
    public async Task Sign_up_with_a_taken_email_says_check_your_email_and_creates_nothing()
    {
        var client = app.CreateBrowserLikeClient();
        var usersBefore = await app.WithDbAsync(db => db.Users.CountAsync());

        var response = await client.SignUpAsync("Copycat", DemoData.CustomerEmail, GoodPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/check-email", response.Headers.Location?.OriginalString);
        Assert.Equal(usersBefore, await app.WithDbAsync(db => db.Users.CountAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SignInAsync(DemoData.CustomerEmail, GoodPassword)).StatusCode);
    }

    [Fact]
    public async Task Sign_up_with_a_short_password_shows_the_error_beside_password()
    {
        var email = AccountPages.UniqueEmail("shorty");
        var response = await app.CreateBrowserLikeClient().SignUpAsync("Shorty", email, "short");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("at least 10 characters", page.FieldError("Input.Password"));
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync(u => u.Email == email)));
    }

    [Fact]
    public async Task Sign_up_with_missing_name_and_bad_email_shows_both_messages()
    {
        var response = await app.CreateBrowserLikeClient().SignUpAsync("", "not-an-email", GoodPassword);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("Enter your name.", page.FieldError("Input.DisplayName"));
        Assert.Equal("Enter a valid email address.", page.FieldError("Input.Email"));
    }

    [Fact]
    public async Task Demo_admin_signs_in_and_out()
    {
        var client = app.CreateBrowserLikeClient();

        var signIn = await client.SignInAsync(DemoData.AdminEmail, DemoData.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var home = await client.GetPageAsync("/");
        Assert.Equal("Ada Admin", home.QuerySelector(".nav-user").Text());

        var signOut = await client.SubmitAsync(home, "form[action='/account/sign-out']");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var after = await client.GetPageAsync("/");
        Assert.Null(after.QuerySelector(".nav-user"));
        Assert.NotNull(after.QuerySelector("a[href='/account/sign-in']"));
    }

    [Fact]
    public async Task Sign_in_returns_to_a_local_return_url_but_not_to_another_site()
    {
        var client = app.CreateBrowserLikeClient();
        var page = await client.GetPageAsync("/account/sign-in?returnUrl=%2Fstatus%2F404");
        var local = await client.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoData.CustomerEmail,
            ["Input.Password"] = DemoData.Password,
        });
        Assert.Equal("/status/404", local.Headers.Location?.OriginalString);

        var other = app.CreateBrowserLikeClient();
        var evil = await other.GetPageAsync("/account/sign-in?returnUrl=https%3A%2F%2Fevil.example%2F");
        var response = await other.SubmitAsync(evil, "main form", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoData.CustomerEmail,
            ["Input.Password"] = DemoData.Password,
        });
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_message_and_no_cookie()
    {
        var client = app.CreateBrowserLikeClient();

        var response = await client.SignInAsync(DemoData.CustomerEmail, "not the password");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains("don't match an account", page.QuerySelector(".form-errors").Text());
        Assert.Null((await client.GetPageAsync("/")).QuerySelector(".nav-user"));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_rejected()
    {
        var client = app.CreateBrowserLikeClient();
        var response = await client.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = DemoData.CustomerEmail,
            ["Input.Password"] = DemoData.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null((await client.GetPageAsync("/")).QuerySelector(".nav-user"));
    }

    [Fact]
    public async Task Seeded_accounts_have_their_roles()
    {
        Assert.Equal([Roles.Admin], (await UserRolesAndZoneAsync(DemoData.AdminEmail)).Roles);
        Assert.Equal([Roles.Customer], (await UserRolesAndZoneAsync(DemoData.CustomerEmail)).Roles);
        foreach (var s in DemoData.Specialists)
            Assert.Equal([Roles.Specialist], (await UserRolesAndZoneAsync(s.Email)).Roles);
    }

    private async Task<(IList<string> Roles, string? Zone)> UserRolesAndZoneAsync(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No user {email}");
        return (await users.GetRolesAsync(user), user.TimeZoneId);
    }
}

using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using NodaTime;

namespace Consulting.Tests.Pages.Account;

/// <summary>"Forgot your password?" end to end: the form, the email through a real SMTP server, the link.</summary>
public sealed class PasswordResetTests : MailingAppTests
{
    private const string NewPassword = "a brand new password";
    private async Task<HttpResponseMessage> AskForResetAsync(HttpClient client, string email)
    {
        var signIn = await client.GetPageAsync("/account/sign-in");
        var forgot = signIn.QuerySelector("a[data-link=forgot-password]")?.GetAttribute("href");
        Assert.Equal("/account/forgot-password", forgot);
        var page = await client.GetPageAsync(forgot!);
        return await client.SubmitAsync(page, "main form", new Dictionary<string, string> { ["Input.Email"] = email });
    }

    private async Task<string> ResetLinkAsync(TestCustomer customer)
    {
        var anonymous = App.CreateBrowserLikeClient();
        Assert.Equal(HttpStatusCode.Redirect, (await AskForResetAsync(anonymous, customer.Email)).StatusCode);
        var mail = await Smtp.SingleMailAsync(App, customer.Email, "Reset your password");
        return await mail.ButtonLinkAsync();
    }

    private static Task<HttpResponseMessage> SubmitNewPasswordAsync(HttpClient client, AngleSharp.Html.Dom.IHtmlDocument page) =>
        client.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });

    [Fact]
    public async Task The_reset_link_sets_a_new_password_signs_in_and_works_only_once()
    {
        var customer = await App.CreateCustomerAsync();
        var client = App.CreateBrowserLikeClient();

        var asked = await AskForResetAsync(client, customer.Email);
        Assert.Equal("/account/forgot-password", asked.Headers.Location?.OriginalString);
        var sent = await client.GetPageAsync("/account/forgot-password");
        Assert.Contains($"If {customer.Email} has an account with us, we've sent it a link", sent.QuerySelector("[data-section=sent]").Text());

        var mail = await Smtp.SingleMailAsync(App, customer.Email, "Reset your password");
        var parts = Assert.IsType<MultipartAlternative>(mail.Body).Cast<TextPart>().ToList();
        Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.ContentType.MimeType));
        var link = await mail.ButtonLinkAsync();
        Assert.StartsWith("/account/reset-password?userId=", link);
        Assert.Contains("Choose a new password: http://localhost:5080" + link, mail.TextBody);
        Assert.Contains("The link works once, within an hour.", mail.TextBody);

        var form = await client.GetPageAsync(link);
        var done = await SubmitNewPasswordAsync(client, form);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/", done.Headers.Location?.OriginalString);
        var home = await client.GetPageAsync("/");
        Assert.Equal(customer.Name, home.QuerySelector(".nav-user").Text());
        Assert.Equal("Your password is changed, and you're signed in.", home.QuerySelector(".flash").Text());

        Assert.Equal(HttpStatusCode.Redirect, (await App.CreateBrowserLikeClient().SignInAsync(customer.Email, NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await App.CreateBrowserLikeClient().SignInAsync(customer.Email, CustomerAccounts.Password)).StatusCode);

        // Used once: the same link is refused, with a way to ask again, and changes nothing.
        var again = await App.CreateBrowserLikeClient().GetAsync(link);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        var refused = await Html.ParseAsync(again);
        Assert.Equal("This link doesn't work any more", refused.QuerySelector("h1").Text());
        Assert.NotNull(refused.QuerySelector("a[href='/account/forgot-password']"));
        var replay = await client.PostWithTokenAsync(form, "/account/reset-password", new Dictionary<string, string>
        {
            ["Input.UserId"] = customer.UserId,
            ["Input.Code"] = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + link).Query)["code"]!,
            ["Input.NewPassword"] = "yet another password",
            ["Input.ConfirmPassword"] = "yet another password",
        });
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await App.CreateBrowserLikeClient().SignInAsync(customer.Email, NewPassword)).StatusCode);

        // The owner is told, and the link reached their mailbox, so the address counts as confirmed.
        Assert.Single(await Smtp.MailToAsync(App, customer.Email, 2), m => m.Subject == "Your password was changed");
        Assert.True(await App.WithDbAsync(db => db.Users.Where(u => u.Id == customer.UserId).Select(u => u.EmailConfirmed).SingleAsync()));
    }

    [Fact]
    public async Task The_reset_link_expires_after_an_hour()
    {
        var customer = await App.CreateCustomerAsync();
        var link = await ResetLinkAsync(customer);
        var client = App.CreateBrowserLikeClient();

        App.Clock.Advance(Duration.FromMinutes(59));
        var form = await client.GetPageAsync(link);

        App.Clock.Advance(Duration.FromMinutes(1));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(link)).StatusCode);
        var late = await SubmitNewPasswordAsync(client, form);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal("This link doesn't work any more", (await Html.ParseAsync(late)).QuerySelector("h1").Text());
        Assert.Equal(HttpStatusCode.Redirect, (await App.CreateBrowserLikeClient().SignInAsync(customer.Email, CustomerAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_and_no_email()
    {
        var customer = await App.CreateCustomerAsync();
        var unknown = AccountPages.UniqueEmail("nobody");
        var known = App.CreateBrowserLikeClient();
        var stranger = App.CreateBrowserLikeClient();

        var knownAnswer = await AskForResetAsync(known, customer.Email);
        var unknownAnswer = await AskForResetAsync(stranger, unknown);

        Assert.Equal(knownAnswer.StatusCode, unknownAnswer.StatusCode);
        Assert.Equal(knownAnswer.Headers.Location, unknownAnswer.Headers.Location);
        var knownPage = (await known.GetPageAsync("/account/forgot-password")).QuerySelector("main")!.TextContent;
        var unknownPage = (await stranger.GetPageAsync("/account/forgot-password")).QuerySelector("main")!.TextContent;
        Assert.Equal(knownPage.Replace(customer.Email, "ADDRESS"), unknownPage.Replace(unknown, "ADDRESS"));

        Assert.Single(await Smtp.MailToAsync(App, customer.Email));
        Assert.Empty(await Smtp.MailToAsync(App, unknown, atLeast: 0));
        Assert.Equal(0, await App.WithDbAsync(db => db.Notifications.CountAsync(n => n.RecipientEmail == unknown)));
    }

    [Fact]
    public async Task The_outbox_keeps_no_token_and_theApp_shows_the_email_nowhere_else()
    {
        var customer = await App.CreateCustomerAsync();
        var link = await ResetLinkAsync(customer);
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + link).Query)["code"].ToString();

        var stored = await App.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.RecipientEmail == customer.Email));
        Assert.Equal(NotificationType.PasswordReset, stored.Type);
        Assert.DoesNotContain(code, stored.Title + stored.Message);
        Assert.Equal([Channel.Email], stored.Deliveries.Select(d => d.Channel));
        var notifications = await customer.Client.GetPageAsync("/notifications");
        Assert.DoesNotContain("Reset your password", notifications.QuerySelector("main")!.TextContent);
    }

    [Fact]
    public async Task Repeated_requests_send_at_most_three_links_an_hour_to_one_address()
    {
        var customer = await App.CreateCustomerAsync();
        var client = App.CreateBrowserLikeClient();

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Redirect, (await AskForResetAsync(client, customer.Email)).StatusCode);

        Assert.Equal(3, (await Smtp.MailToAsync(App, customer.Email, 3)).Count);
        App.Clock.Advance(Duration.FromMinutes(61));
        await AskForResetAsync(client, customer.Email);
        Assert.Equal(4, (await Smtp.MailToAsync(App, customer.Email, 4)).Count);
    }

    [Fact]
    public async Task A_bad_address_or_a_mismatched_password_is_refused_beside_the_field()
    {
        var client = App.CreateBrowserLikeClient();
        var bad = await AskForResetAsync(client, "not-an-address");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("Enter a valid email address.", (await Html.ParseAsync(bad)).FieldError("Input.Email"));

        var customer = await App.CreateCustomerAsync();
        var form = await client.GetPageAsync(await ResetLinkAsync(customer));
        var mismatch = await client.SubmitAsync(form, "main form", new Dictionary<string, string>
        {
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = "something else entirely",
        });
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        var page = await Html.ParseAsync(mismatch);
        Assert.Equal("The two passwords don't match.", page.FieldError("Input.ConfirmPassword"));
        Assert.Contains("The two passwords don't match.", page.QuerySelector("[data-summary=Input]").Text());
        var tooShort = await client.SubmitAsync(form, "main form", new Dictionary<string, string>
        {
            ["Input.NewPassword"] = "short",
            ["Input.ConfirmPassword"] = "short",
        });
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("at least 10 characters", (await Html.ParseAsync(tooShort)).FieldError("Input.NewPassword"));
        // The link still works after a refused password.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(form.Url)).StatusCode);
    }
}

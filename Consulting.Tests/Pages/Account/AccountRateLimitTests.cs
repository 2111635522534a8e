using System.Net;
using Consulting.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace Consulting.Tests.Pages.Account;

/// <summary>The account forms' posts share the sign-in limit per client, and it really applies to these Razor Pages.</summary>
public sealed class AccountRateLimitTests : IDisposable
{
    private readonly LowLimitApp _app = new();

    public void Dispose() => _app.Dispose();

    private sealed class LowLimitApp : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimits:SignInPerMinute", "3");
        }
    }

    [Fact]
    public async Task The_fourth_account_post_within_a_minute_gets_429_and_sends_nothing()
    {
        var client = _app.CreateBrowserLikeClient();
        var forgot = await client.GetPageAsync("/account/forgot-password");
        var email = AccountPages.UniqueEmail("limited");
        Task<HttpResponseMessage> AskAsync() =>
            client.SubmitAsync(forgot, "main form", new Dictionary<string, string> { ["Input.Email"] = email });

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Redirect, (await AskAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await AskAsync()).StatusCode);
        // The limit is per client, across the account forms; reading pages isn't limited.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostWithTokenAsync(forgot, "/account/reset-password")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/forgot-password")).StatusCode);
    }
}

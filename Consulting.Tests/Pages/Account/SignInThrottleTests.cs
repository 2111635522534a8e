using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Accounts;

namespace Consulting.Tests.Pages.Account;

/// <summary>
/// Guessing from one address stops at that address: the stranger is refused for the account while
/// its owner, elsewhere, signs in as usual. Only guesses from many addresses lock the account itself.
/// (The equal timing of unknown emails and wrong passwords is measured by bench/sign-in-timing.sh,
/// not asserted here.)
/// </summary>
public sealed class SignInThrottleTests : IDisposable
{
    private readonly LoopbackProxyApp _app = new();

    public void Dispose() => _app.Dispose();

    private HttpClient From(string address) => _app.ClientFrom(address);

    private static async Task<(HttpStatusCode Status, string Message)> SignInAsync(HttpClient client, string email, string password)
    {
        var response = await client.SignInAsync(email, password);
        var message = response.StatusCode == HttpStatusCode.Redirect ? "" : (await Html.ParseAsync(response)).QuerySelector("main form .form-errors ul").Text().Trim();
        return (response.StatusCode, message);
    }

    [Fact]
    public async Task A_stranger_guessing_from_one_address_is_refused_there_and_the_owner_still_signs_in_elsewhere()
    {
        _app.StartKestrel();
        var owner = await _app.CreateCustomerAsync();
        var stranger = From("203.0.113.7");

        for (var i = 0; i < SignInThrottle.FailuresPerClient; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync(stranger, owner.Email, $"guess {i}")).Status);
        var refused = await SignInAsync(stranger, owner.Email, CustomerAccounts.Password);
        var ownerSignsIn = await SignInAsync(From("198.51.100.20"), owner.Email, CustomerAccounts.Password);

        // Refused even with the right password: the address guessed, not the account's owner.
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains("Too many failed attempts for this account from your network", refused.Message);
        Assert.Equal(HttpStatusCode.Redirect, ownerSignsIn.Status);
        // Another account from the same address is not affected.
        var other = await _app.CreateCustomerAsync("Other Customer");
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(stranger, other.Email, CustomerAccounts.Password)).Status);
    }

    [Fact]
    public async Task Unknown_emails_are_refused_like_wrong_passwords_and_count_against_the_address_too()
    {
        _app.StartKestrel();
        var stranger = From("203.0.113.9");

        var first = await SignInAsync(stranger, "nobody@example.test", "a password");
        for (var i = 1; i < SignInThrottle.FailuresPerClient; i++) await SignInAsync(stranger, "nobody@example.test", "a password");
        var refused = await SignInAsync(stranger, "nobody@example.test", "a password");

        Assert.Equal((HttpStatusCode.BadRequest, "That email and password don't match an account."), first);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
    }

    private async Task GuessFromManyAddressesAsync(string email)
    {
        var addresses = SignInThrottle.AccountLockoutFailures / SignInThrottle.FailuresPerClient;
        for (var a = 0; a < addresses; a++)
        {
            var client = From($"203.0.113.{100 + a}");
            for (var i = 0; i < SignInThrottle.FailuresPerClient; i++) await SignInAsync(client, email, $"guess {a}-{i}");
        }
    }

    [Fact]
    public async Task Guesses_from_many_addresses_lock_the_account_itself()
    {
        _app.StartKestrel();
        var owner = await _app.CreateCustomerAsync();
        await GuessFromManyAddressesAsync(owner.Email);

        var locked = await SignInAsync(From("198.51.100.20"), owner.Email, CustomerAccounts.Password);

        Assert.Equal(HttpStatusCode.BadRequest, locked.Status);
        Assert.Contains("Your account is locked", locked.Message);
    }

    [Fact]
    public async Task The_lockout_answer_does_not_tell_whether_an_email_has_an_account()
    {
        _app.StartKestrel();
        var owner = await _app.CreateCustomerAsync();
        await GuessFromManyAddressesAsync(owner.Email);
        await GuessFromManyAddressesAsync("nobody-here@example.test");

        var real = await SignInAsync(From("198.51.100.20"), owner.Email, "one more guess");
        var unknown = await SignInAsync(From("198.51.100.20"), "nobody-here@example.test", "one more guess");

        Assert.Equal(real, unknown);
        Assert.Contains("locked", unknown.Message);
        // Like Identity's lockout (which reads the wall clock, so only this side is driven here), it ends.
        _app.Clock.Advance(SignInThrottle.AccountLockout.Plus(NodaTime.Duration.FromSeconds(1)));
        Assert.Equal((HttpStatusCode.BadRequest, "That email and password don't match an account."),
            await SignInAsync(From("198.51.100.21"), "nobody-here@example.test", "another guess"));
    }
}

using Consulting.Web.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Support;

public sealed record TestCustomer(string UserId, string Email, string Name, HttpClient Client);

/// <summary>Fresh customer accounts, registered the app's way, then signed in over HTTP.</summary>
public static class CustomerAccounts
{
    public const string Password = "customer password 1";

    public static async Task<TestCustomer> CreateCustomerAsync(this AppFactory app, string name = "Ana Díaz", string zone = "Asia/Tokyo")
    {
        var email = AccountPages.UniqueEmail("customer");
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<Registration>()
            .RegisterCustomerAsync(new NewAccount(email, name, Password, zone));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Message)));
        var client = app.CreateBrowserLikeClient();
        await client.SignInOrFailAsync(email, Password);
        return new TestCustomer(result.User!.Id, email, name, client);
    }
}

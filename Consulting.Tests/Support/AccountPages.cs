using System.Net;

namespace Consulting.Tests.Support;

/// <summary>Page objects for the account pages, for tests that need a signed-in user.</summary>
public static class AccountPages
{
    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string email, string password)
    {
        var page = await client.GetPageAsync("/account/sign-in");
        return await client.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
    }

    /// <summary>Signs in and fails the test unless the app redirected (success).</summary>
    public static async Task SignInOrFailAsync(this HttpClient client, string email, string password)
    {
        var response = await client.SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    public static async Task<HttpResponseMessage> SignUpAsync(this HttpClient client, string name, string email,
        string password, string? timeZone = "Europe/Paris")
    {
        var page = await client.GetPageAsync("/account/sign-up");
        return await client.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = name,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.TimeZoneId"] = timeZone ?? "",
        });
    }

    public static string UniqueEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.test";
}

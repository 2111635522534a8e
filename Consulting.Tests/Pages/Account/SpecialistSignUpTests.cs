using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Pages.Account;

public sealed class SpecialistSignUpTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private static Dictionary<string, string> Form(string email, string name = "Dana Scully", string zone = "America/Chicago",
        string currency = "USD", string price = "150.50") => new()
    {
        ["Input.DisplayName"] = name,
        ["Input.Email"] = email,
        ["Input.Password"] = "trust no one 1013",
        ["Input.Headline"] = "Unexplained phenomena",
        ["Input.TimeZoneId"] = zone,
        ["Input.Currency"] = currency,
        ["Input.Price"] = price,
    };

    [Fact]
    public async Task Specialist_sign_up_creates_profile_schedule_and_role_and_lists_them_on_the_home_page()
    {
        var client = app.CreateBrowserLikeClient();
        var email = AccountPages.UniqueEmail("dana");
        var name = "Dana " + Guid.NewGuid().ToString("N")[..6];

        var page = await client.GetPageAsync("/account/specialist-sign-up");
        var response = await client.SubmitAsync(page, "main form", Form(email, name));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/check-email", response.Headers.Location?.OriginalString);
        // Signing in from there leads on to setting the hours.
        var signIn = (await client.GetPageAsync("/account/check-email")).QuerySelector("main a.button")!.GetAttribute("href")!;
        var signInPage = await client.GetPageAsync(signIn);
        var signedIn = await client.SubmitAsync(signInPage, "main form", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "trust no one 1013",
        });
        Assert.Equal("/specialist/availability", signedIn.Headers.Location?.OriginalString);
        var (profile, schedule, roles) = await app.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == email);
            var p = await db.Specialists.SingleAsync(s => s.UserId == user.Id);
            var s = await db.Schedules.SingleAsync(x => x.SpecialistId == p.Id);
            await using var scope = app.Services.CreateAsyncScope();
            var r = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().GetRolesAsync(user);
            return (p, s, r);
        });
        Assert.Equal([Roles.Specialist], roles);
        Assert.Equal("America/Chicago", profile.TimeZoneId);
        Assert.Equal(15050, schedule.DefaultPriceMinor);
        Assert.Equal("USD", schedule.Currency);
        Assert.Equal(40, profile.FeedSecret.Length);

        var home = await client.GetPageAsync("/");
        var card = home.QuerySelectorAll(".specialist-card").Single(c => c.QuerySelector(".specialist-name").Text() == name);
        // No hours yet, so nothing to book: the card says so instead of a price.
        Assert.Equal("No open times yet", card.QuerySelector(".no-times").Text());
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "USD", "100", "Input.TimeZoneId", "is not a time zone we know")]
    [InlineData("Europe/Berlin", "XYZ", "100", "Input.Currency", "Choose one of the listed currencies.")]
    [InlineData("Europe/Berlin", "EUR", "-5", "Input.Price", "Enter a price of zero or more")]
    [InlineData("Europe/Berlin", "EUR", "12.345", "Input.Price", "Enter a price of zero or more")]
    [InlineData("Europe/Berlin", "EUR", "lots", "Input.Price", "Enter a price of zero or more")]
    public async Task Invalid_specialist_sign_up_shows_the_message_beside_the_field_and_saves_nothing(
        string zone, string currency, string price, string field, string message)
    {
        var client = app.CreateBrowserLikeClient();
        var email = AccountPages.UniqueEmail("bad");
        var page = await client.GetPageAsync("/account/specialist-sign-up");

        var response = await client.SubmitAsync(page, "main form", Form(email, zone: zone, currency: currency, price: price));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await Html.ParseAsync(response)).FieldError(field));
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync(u => u.Email == email)));
    }

    [Theory]
    [InlineData("tokyo", "Asia/Tokyo")]
    [InlineData("  Berlin ", "Europe/Berlin")]
    [InlineData("new york", "America/New_York")]
    [InlineData(" US/Eastern", "America/New_York")]
    [InlineData("asia/calcutta", "Asia/Kolkata")]
    public async Task A_zone_typed_without_javascript_as_a_city_or_an_older_name_is_saved_as_its_iana_zone(string typed, string saved)
    {
        var client = app.CreateBrowserLikeClient();
        var email = AccountPages.UniqueEmail("zone");
        var page = await client.GetPageAsync("/account/specialist-sign-up");

        var response = await client.SubmitAsync(page, "main form", Form(email, zone: typed));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var (profileZone, scheduleZone) = await app.WithDbAsync(async db =>
        {
            var p = await db.Specialists.SingleAsync(s => s.UserId == db.Users.Single(u => u.Email == email).Id);
            return (p.TimeZoneId, await db.Schedules.Where(x => x.SpecialistId == p.Id).Select(x => x.TimeZoneId).SingleAsync());
        });
        Assert.Equal((saved, saved), (profileZone, scheduleZone));
    }

    [Fact]
    public async Task Two_specialists_with_the_same_name_get_distinct_profile_addresses()
    {
        var name = "Sam Same " + Guid.NewGuid().ToString("N")[..6];
        foreach (var _ in new[] { 1, 2 })
        {
            var client = app.CreateBrowserLikeClient();
            var page = await client.GetPageAsync("/account/specialist-sign-up");
            var response = await client.SubmitAsync(page, "main form", Form(AccountPages.UniqueEmail("sam"), name));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        var slugs = await app.WithDbAsync(db => db.Specialists.Where(s => s.DisplayName == name).Select(s => s.Slug).ToListAsync());
        Assert.Equal(2, slugs.Distinct().Count());
    }
}

using System.Net;
using Consulting.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Tests.Pages.Account;

/// <summary>Account settings: name, phone, zone and password, each refused beside its field when wrong.</summary>
public sealed class AccountSettingsTests : MailingAppTests
{
    private static Task<HttpResponseMessage> SaveProfileAsync(TestCustomer who, AngleSharp.Html.Dom.IHtmlDocument page,
        string name, string phone, string zone) =>
        who.Client.SubmitAsync(page, "form[action*='handler=Profile']", new Dictionary<string, string>
        {
            ["Profile.DisplayName"] = name,
            ["Profile.Phone"] = phone,
            ["Profile.TimeZoneId"] = zone,
        });

    [Fact]
    public async Task The_page_is_reached_from_the_name_in_the_header_and_shows_the_current_details()
    {
        var customer = await App.CreateCustomerAsync("Ana Díaz", zone: "Asia/Tokyo");

        var home = await customer.Client.GetPageAsync("/");
        Assert.Equal("/account", home.QuerySelector(".nav-user a")?.GetAttribute("href"));
        var page = await customer.Client.GetPageAsync("/account");

        Assert.Equal("Ana Díaz", page.QuerySelector("#Profile_DisplayName")?.GetAttribute("value"));
        Assert.Equal("Asia/Tokyo", page.QuerySelector("#Profile_TimeZoneId")?.GetAttribute("value"));
        Assert.Equal("zone-list", page.QuerySelector("#Profile_TimeZoneId")?.GetAttribute("list"));
        Assert.NotNull(page.QuerySelector("datalist#zone-list[hx-get^='/zones/options']"));
        // Every field has its label.
        foreach (var input in page.QuerySelectorAll("main form input:not([type=hidden])"))
            Assert.NotNull(page.QuerySelector($"label[for='{input.Id}']"));
    }

    [Fact]
    public async Task Saving_name_phone_and_zone_updates_the_account_and_its_upcoming_bookings()
    {
        var specialist = await App.CreateSpecialistWithSlotsAsync();
        var customer = await App.CreateCustomerAsync("Ana Díaz", zone: "Asia/Tokyo");
        var upcoming = await App.ConfirmedBookingAsync(specialist.Slots[3], customer: customer);
        var page = await customer.Client.GetPageAsync("/account");

        var saved = await SaveProfileAsync(customer, page, "Ana María Díaz", "+34 612-345-678", "Europe/Madrid");

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/account#profile", saved.Headers.Location?.OriginalString);
        var after = await customer.Client.GetPageAsync("/account");
        Assert.Equal("Your details are saved. Your upcoming bookings use them too.", after.QuerySelector(".flash").Text());
        Assert.Equal("Ana María Díaz", after.QuerySelector(".nav-user").Text());
        var (user, booking) = await App.WithDbAsync(async db => (
            await db.Users.AsNoTracking().SingleAsync(u => u.Id == customer.UserId),
            await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == upcoming.Id)));
        Assert.Equal(("Ana María Díaz", "+34612345678", "Europe/Madrid"), (user.DisplayName, user.PhoneNumber, user.TimeZoneId));
        // Its reminders go by SMS to the new number and name the time in the new zone.
        Assert.Equal(("Ana María Díaz", "+34612345678", "Europe/Madrid"), (booking.CustomerName, booking.CustomerPhone, booking.CustomerTimeZoneId));
        // Still signed in: a phone number doesn't end the other sessions.
        Assert.Equal(HttpStatusCode.OK, (await customer.Client.GetAsync("/bookings")).StatusCode);
    }

    [Theory]
    [InlineData("A", "", "", "Profile.DisplayName", "Enter your name (2–80 characters).")]
    [InlineData("Ana", "612 345 678", "", "Profile.Phone", "Enter the phone number in international form, e.g. +14155550123.")]
    [InlineData("Ana", "+0012345678", "", "Profile.Phone", "Enter the phone number in international form, e.g. +14155550123.")]
    [InlineData("Ana", "", "Mars/Olympus_Mons", "Profile.TimeZoneId", "\u201CMars/Olympus_Mons\u201D is not a time zone we know. Pick one from the list, e.g. Europe/Berlin.")]
    public async Task A_bad_detail_is_refused_beside_its_field_and_in_the_summary(string name, string phone, string zone, string field, string message)
    {
        var customer = await App.CreateCustomerAsync("Ana Díaz");
        var page = await customer.Client.GetPageAsync("/account");

        var refused = await SaveProfileAsync(customer, page, name, phone, zone);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var again = await Html.ParseAsync(refused);
        Assert.Equal(message, again.FieldError(field));
        var summary = again.QuerySelector("[data-summary=Profile]");
        Assert.Equal("#" + field.Replace('.', '_'), summary?.QuerySelector("a")?.GetAttribute("href"));
        Assert.Equal(name, again.QuerySelector("#Profile_DisplayName")?.GetAttribute("value"));
        Assert.Equal("Ana Díaz", await App.WithDbAsync(db => db.Users.Where(u => u.Id == customer.UserId).Select(u => u.DisplayName).SingleAsync()));
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_and_tells_the_owner()
    {
        var customer = await App.CreateCustomerAsync();
        var page = await customer.Client.GetPageAsync("/account");
        Dictionary<string, string> Form(string current, string next, string again) => new()
        {
            ["ChangePassword.CurrentPassword"] = current,
            ["ChangePassword.NewPassword"] = next,
            ["ChangePassword.ConfirmPassword"] = again,
        };

        var wrong = await customer.Client.SubmitAsync(page, "form[action*='handler=Password']", Form("wrong password", "my new password", "my new password"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("That isn't your current password.", (await Html.ParseAsync(wrong)).FieldError("ChangePassword.CurrentPassword"));
        var mismatch = await customer.Client.SubmitAsync(page, "form[action*='handler=Password']", Form(CustomerAccounts.Password, "my new password", "my other password"));
        Assert.Equal("The two new passwords don't match.", (await Html.ParseAsync(mismatch)).FieldError("ChangePassword.ConfirmPassword"));
        var tooShort = await customer.Client.SubmitAsync(page, "form[action*='handler=Password']", Form(CustomerAccounts.Password, "short", "short"));
        Assert.Contains("at least 10 characters", (await Html.ParseAsync(tooShort)).FieldError("ChangePassword.NewPassword"));

        var changed = await customer.Client.SubmitAsync(page, "form[action*='handler=Password']", Form(CustomerAccounts.Password, "my new password", "my new password"));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        // This session stays signed in; the new password is the one that works.
        Assert.Equal("Your password is changed.", (await customer.Client.GetPageAsync("/account")).QuerySelector(".flash").Text());
        Assert.Equal(HttpStatusCode.Redirect, (await App.CreateBrowserLikeClient().SignInAsync(customer.Email, "my new password")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await App.CreateBrowserLikeClient().SignInAsync(customer.Email, CustomerAccounts.Password)).StatusCode);
        var told = await Smtp.SingleMailAsync(App, customer.Email, "Your password was changed");
        Assert.StartsWith("/account/forgot-password?email=", await told.ButtonLinkAsync());
    }

    [Fact]
    public async Task A_specialist_is_pointed_to_their_own_page_for_the_profile_customers_see()
    {
        var specialist = await App.CreateSignedInAsync();

        var page = await specialist.Client.GetPageAsync("/account");

        Assert.NotNull(page.QuerySelector("#profile a[href='/specialist/availability']"));
    }

    [Fact]
    public async Task An_unconfirmed_address_can_ask_for_the_link_again()
    {
        var customer = await App.CreateCustomerAsync();
        var page = await customer.Client.GetPageAsync("/account");

        var resent = await customer.Client.SubmitAsync(page, "#confirm form");

        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        Assert.Equal($"We've sent a new confirmation link to {customer.Email}.", (await customer.Client.GetPageAsync("/account")).QuerySelector(".flash").Text());
        var link = await (await Smtp.SingleMailAsync(App, customer.Email, "Confirm your email address")).ButtonLinkAsync();
        Assert.Equal("Your email address is confirmed", (await customer.Client.GetPageAsync(link)).QuerySelector("h1").Text());
    }
}

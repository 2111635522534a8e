using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Tests.Pages.Account;

/// <summary>Confirming an address (new accounts and email changes), through a real SMTP server.</summary>
public sealed class EmailConfirmationTests : MailingAppTests
{
    private const string Password = "a long enough password";
    private async Task<HttpClient> SignUpAndSignInAsync(string email, string name = "Pat Guest")
    {
        var client = App.CreateBrowserLikeClient();
        var signedUp = await client.SignUpAsync(name, email, Password);
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        Assert.Equal("/account/check-email", signedUp.Headers.Location?.OriginalString);
        await client.SignInOrFailAsync(email, Password);
        return client;
    }

    private Task<bool> IsConfirmedAsync(string email) =>
        App.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.EmailConfirmed).SingleAsync());

    [Fact]
    public async Task Sign_up_sends_a_confirmation_link_and_the_account_works_before_it_is_followed()
    {
        var email = AccountPages.UniqueEmail("pat");
        var client = await SignUpAndSignInAsync(email);

        var account = await client.GetPageAsync("/account");
        Assert.Contains($"We sent a link to {email}", account.QuerySelector("#confirm").Text());
        Assert.False(await IsConfirmedAsync(email));

        var mail = await Smtp.SingleMailAsync(App, email, "Confirm your email address");
        Assert.Contains("Any bookings you made as a guest with it then appear under My bookings", mail.TextBody);
        var link = await mail.ButtonLinkAsync();
        Assert.StartsWith("/account/confirm-email?userId=", link);

        var confirmed = await client.GetPageAsync(link);
        Assert.Equal("Your email address is confirmed", confirmed.QuerySelector("h1").Text());
        Assert.True(await IsConfirmedAsync(email));
        Assert.Null((await client.GetPageAsync("/account")).QuerySelector("#confirm"));
    }

    [Fact]
    public async Task Confirming_joins_the_guest_bookings_made_with_the_address_and_their_links_keep_working()
    {
        var specialist = await App.CreateSpecialistWithSlotsAsync();
        var email = AccountPages.UniqueEmail("pat");
        // Guests type their address as they like; the account has it in lower case.
        var first = await App.ConfirmedBookingAsync(specialist.Slots[3], email: email.ToUpperInvariant());
        var second = await App.ConfirmedBookingAsync(specialist.Slots[4], email: email);
        var someoneElses = await App.ConfirmedBookingAsync(specialist.Slots[5], email: AccountPages.UniqueEmail("other"));
        var client = await SignUpAndSignInAsync(email);

        // Until the address is confirmed, the account has no claim on them.
        Assert.Empty((await client.GetPageAsync("/bookings")).QuerySelectorAll("li.my-booking"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/bookings/{first.Id:N}")).StatusCode);

        var link = await (await Smtp.SingleMailAsync(App, email, "Confirm your email address")).ButtonLinkAsync();
        var confirmed = await client.GetPageAsync(link);
        Assert.Equal("2", confirmed.QuerySelector("[data-joined]")?.GetAttribute("data-joined"));
        Assert.Contains("We found 2 bookings you made as a guest with this address", confirmed.QuerySelector("[data-joined]").Text());

        var mine = (await client.GetPageAsync("/bookings")).QuerySelectorAll("li.my-booking").Select(li => li.GetAttribute("data-booking-id")).ToList();
        Assert.Equal([first.Id.ToString(), second.Id.ToString()], mine);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/bookings/{first.Id:N}")).StatusCode);
        // The links in the guest's emails still open the booking, signed in or not.
        var manage = await App.ManageTokenAsync(second);
        Assert.Equal(HttpStatusCode.OK, (await App.CreateBrowserLikeClient().GetAsync($"/bookings/{second.Id:N}/cancel?t={Uri.EscapeDataString(manage)}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/bookings/{second.Id:N}/cancel?t={Uri.EscapeDataString(manage)}")).StatusCode);
        Assert.Null(await App.WithDbAsync(db => db.Bookings.Where(b => b.Id == someoneElses.Id).Select(b => b.CustomerUserId).SingleAsync()));
    }

    [Fact]
    public async Task An_altered_confirmation_link_is_refused_and_confirms_nothing()
    {
        var email = AccountPages.UniqueEmail("pat");
        var client = await SignUpAndSignInAsync(email);
        var link = await (await Smtp.SingleMailAsync(App, email, "Confirm your email address")).ButtonLinkAsync();

        var altered = await client.GetAsync(link[..^3] + "AAA");
        Assert.Equal(HttpStatusCode.BadRequest, altered.StatusCode);
        Assert.Equal("This link doesn't work", (await Html.ParseAsync(altered)).QuerySelector("h1").Text());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/account/confirm-email?userId=nobody&code=%%%")).StatusCode);
        Assert.False(await IsConfirmedAsync(email));
    }

    [Fact]
    public async Task Changing_the_email_takes_effect_only_when_the_new_address_confirms_it()
    {
        var specialist = await App.CreateSpecialistWithSlotsAsync();
        var customer = await App.CreateCustomerAsync();
        var upcoming = await App.ConfirmedBookingAsync(specialist.Slots[3], customer: customer);
        var newEmail = AccountPages.UniqueEmail("moved");
        var guestBooking = await App.ConfirmedBookingAsync(specialist.Slots[4], email: newEmail);

        var account = await customer.Client.GetPageAsync("/account");
        var asked = await customer.Client.SubmitAsync(account, "form[action*='handler=Email']", new Dictionary<string, string>
        {
            ["ChangeEmail.NewEmail"] = newEmail,
            ["ChangeEmail.CurrentPassword"] = CustomerAccounts.Password,
        });
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Equal($"We've sent a link to {newEmail}. Your email stays {customer.Email} until you follow it.",
            (await customer.Client.GetPageAsync("/account")).QuerySelector(".flash").Text());

        // Nothing changed yet: the old address still signs in, the new one doesn't.
        Assert.Equal(customer.Email, await App.WithDbAsync(db => db.Users.Where(u => u.Id == customer.UserId).Select(u => u.Email).SingleAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, (await App.CreateBrowserLikeClient().SignInAsync(newEmail, CustomerAccounts.Password)).StatusCode);

        var mail = await Smtp.SingleMailAsync(App, newEmail, "Confirm your new email address");
        Assert.Contains($"from {customer.Email} to {newEmail}", mail.TextBody);
        var link = await mail.ButtonLinkAsync();
        Assert.Contains("email=", link);
        // The link is for this address only.
        Assert.Equal(HttpStatusCode.BadRequest,
            (await customer.Client.GetAsync(link.Replace(Uri.EscapeDataString(newEmail), Uri.EscapeDataString("thief@example.test")))).StatusCode);

        var confirmed = await customer.Client.GetPageAsync(link);
        Assert.Equal("Your new email address is confirmed", confirmed.QuerySelector("h1").Text());
        Assert.Equal("1", confirmed.QuerySelector("[data-joined]")?.GetAttribute("data-joined"));
        // This session carries on; the address signs in from now on, the old one no longer does.
        Assert.Contains($"Signed in as {newEmail}", (await customer.Client.GetPageAsync("/account")).QuerySelector(".page-head").Text());
        Assert.Equal(HttpStatusCode.Redirect, (await App.CreateBrowserLikeClient().SignInAsync(newEmail, CustomerAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await App.CreateBrowserLikeClient().SignInAsync(customer.Email, CustomerAccounts.Password)).StatusCode);
        Assert.True(await IsConfirmedAsync(newEmail));

        // Upcoming bookings write to the new address; the guest booking made with it joined; the old address was told.
        var (upcomingEmail, guestOwner) = await App.WithDbAsync(async db => (
            await db.Bookings.Where(b => b.Id == upcoming.Id).Select(b => b.CustomerEmail).SingleAsync(),
            await db.Bookings.Where(b => b.Id == guestBooking.Id).Select(b => b.CustomerUserId).SingleAsync()));
        Assert.Equal(newEmail, upcomingEmail);
        Assert.Equal(customer.UserId, guestOwner);
        var told = await Smtp.SingleMailAsync(App, customer.Email, "Your email address was changed");
        Assert.Contains($"now uses {newEmail}", told.TextBody);
    }

    [Fact]
    public async Task An_email_change_needs_the_current_password_and_a_new_address()
    {
        var customer = await App.CreateCustomerAsync();
        var account = await customer.Client.GetPageAsync("/account");

        var wrong = await customer.Client.SubmitAsync(account, "form[action*='handler=Email']", new Dictionary<string, string>
        {
            ["ChangeEmail.NewEmail"] = AccountPages.UniqueEmail("moved"),
            ["ChangeEmail.CurrentPassword"] = "not my password",
        });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var page = await Html.ParseAsync(wrong);
        Assert.Equal("That isn't your current password.", page.FieldError("ChangeEmail.CurrentPassword"));
        Assert.Contains("That isn't your current password.", page.QuerySelector("[data-summary=ChangeEmail]").Text());

        var same = await customer.Client.SubmitAsync(account, "form[action*='handler=Email']", new Dictionary<string, string>
        {
            ["ChangeEmail.NewEmail"] = customer.Email.ToUpperInvariant(),
            ["ChangeEmail.CurrentPassword"] = CustomerAccounts.Password,
        });
        Assert.Equal("That is already your email address.", (await Html.ParseAsync(same)).FieldError("ChangeEmail.NewEmail"));
        Assert.Equal(0, await App.WithDbAsync(db => db.Notifications.CountAsync(n => n.Type == NotificationType.ConfirmNewEmail)));
    }
}

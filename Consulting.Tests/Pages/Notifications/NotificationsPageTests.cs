using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Pages.Notifications;

public sealed class NotificationsPageTests : IDisposable
{
    private readonly SeededAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private static readonly Dictionary<string, string> Htmx = new() { ["HX-Request"] = "true" };

    /// <summary>Three notifications for the demo customer, a minute apart.</summary>
    private async Task<string> CustomerWithNotificationsAsync()
    {
        var userId = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == DemoData.CustomerEmail).Select(u => u.Id).SingleAsync());
        await _app.WithDbAsync(async db =>
        {
            var start = _app.Clock.GetCurrentInstant();
            foreach (var (title, i) in new[] { "First", "Second", "Third" }.Select((t, i) => (t, i)))
                db.Notifications.Add(Notification.Create(NotificationType.BookingConfirmation,
                    new Recipient(userId, DemoData.CustomerEmail, null, "Europe/Madrid"), null, title, $"{title} message",
                    [Channel.Email, Channel.InApp], start + Duration.FromMinutes(i)));
            // Someone else's, which must never show.
            db.Notifications.Add(Notification.Create(NotificationType.NewBooking,
                new Recipient("someone-else", "else@example.com", null, "UTC"), null, "Not yours", "", [Channel.InApp], start));
            await db.SaveChangesAsync();
        });
        return userId;
    }

    private async Task<HttpClient> SignedInCustomerAsync()
    {
        var client = _app.CreateBrowserLikeClient();
        await client.SignInOrFailAsync(DemoData.CustomerEmail, DemoData.Password);
        return client;
    }

    private static async Task<string> BadgeAsync(HttpClient client)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/notifications?handler=Badge");
        request.Headers.Add("HX-Request", "true");
        var response = await client.SendAsync(request);
        var fragment = await Html.ParseAsync(response);
        Assert.Null(fragment.QuerySelector("header.site-header"));
        return fragment.QuerySelector("#notification-badge").Text();
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        var response = await _app.CreateBrowserLikeClient().GetAsync("/notifications");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task The_list_shows_only_my_notifications_newest_first_with_an_unread_badge()
    {
        await CustomerWithNotificationsAsync();
        var client = await SignedInCustomerAsync();

        var page = await client.GetPageAsync("/notifications");

        Assert.Equal(["Third", "Second", "First"], page.QuerySelectorAll(".notification-title").Select(e => e.Text()));
        Assert.Equal(3, page.QuerySelectorAll(".notification.unread").Length);
        Assert.Equal("3 unread", page.QuerySelector("header #notification-badge").Text());
        Assert.Equal("3 unread", await BadgeAsync(client));

        // Without HX-Request the badge address is just the page.
        var plain = await client.GetPageAsync("/notifications?handler=Badge");
        Assert.NotNull(plain.QuerySelector("header.site-header"));
        Assert.Equal(3, plain.QuerySelectorAll(".notification").Length);
    }

    [Fact]
    public async Task Marking_one_read_with_htmx_swaps_the_list_and_tells_the_badge_to_refresh()
    {
        await CustomerWithNotificationsAsync();
        var client = await SignedInCustomerAsync();
        var page = await client.GetPageAsync("/notifications");
        var second = page.QuerySelectorAll(".notification").Single(n => n.QuerySelector(".notification-title").Text() == "Second");

        var response = await client.SubmitAsync(page, $"li[data-notification-id='{second.GetAttribute("data-notification-id")}'] form", headers: Htmx);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("notifications-changed", response.Headers.GetValues("HX-Trigger").Single());
        var fragment = await Html.ParseAsync(response);
        Assert.Equal("notification-list", fragment.Body!.FirstElementChild!.Id);
        Assert.Equal(["Third", "First"], fragment.QuerySelectorAll(".notification.unread .notification-title").Select(e => e.Text()));
        Assert.Equal("2 unread", await BadgeAsync(client));
    }

    [Fact]
    public async Task Marking_all_read_without_javascript_redirects_back_and_empties_the_badge()
    {
        await CustomerWithNotificationsAsync();
        var client = await SignedInCustomerAsync();
        var page = await client.GetPageAsync("/notifications");

        var response = await client.SubmitAsync(page, ".list-head form");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Empty(after.QuerySelectorAll(".notification.unread"));
        Assert.Equal("0 unread", after.QuerySelector("header #notification-badge").Text());
        Assert.Equal(0, await _app.WithDbAsync(db => db.Notifications.CountAsync(n => n.RecipientEmail == DemoData.CustomerEmail && n.ReadAt == null)));
    }

    [Fact]
    public async Task Someone_elses_notification_cannot_be_marked_read()
    {
        await CustomerWithNotificationsAsync();
        var client = await SignedInCustomerAsync();
        var page = await client.GetPageAsync("/notifications");
        var foreign = await _app.WithDbAsync(db => db.Notifications.Where(n => n.Title == "Not yours").Select(n => n.Id).SingleAsync());

        var response = await client.PostWithTokenAsync(page, $"/notifications?handler=Read&id={foreign}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(await _app.WithDbAsync(db => db.Notifications.Where(n => n.Id == foreign).Select(n => n.ReadAt).SingleAsync()));
    }
}

using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Meetings;

/// <summary>
/// Zoom's start_url stops working two hours after Zoom issues it, so the specialist's "Start the
/// meeting" (page and emails) is our link, which asks Zoom for a fresh one at the click.
/// </summary>
public sealed class ZoomHostLinkTests : IAsyncLifetime
{
    private sealed class ZoomApp(ZoomStandIn zoom) : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Zoom:AccountId", ZoomStandIn.AccountId);
            builder.UseSetting("Zoom:ClientId", ZoomStandIn.ClientId);
            builder.UseSetting("Zoom:ClientSecret", ZoomStandIn.ClientSecret);
            builder.UseSetting("Zoom:ApiBase", zoom.ApiBase);
            builder.UseSetting("Zoom:OAuthBase", zoom.OAuthBase);
        }
    }

    private ZoomStandIn _zoom = null!;
    private ZoomApp _app = null!;

    public async Task InitializeAsync()
    {
        // Zoom's token lifetime runs on real time; the app's fake clock only decides when to renew.
        _zoom = await ZoomStandIn.StartAsync();
        _app = new ZoomApp(_zoom);
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _zoom.DisposeAsync();
    }

    [Fact]
    public async Task The_specialist_starts_the_meeting_with_a_host_link_fetched_at_the_click_and_the_emails_link_there()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots[3]);
        Assert.Equal("zoom", booking.Meeting?.Provider);
        var stored = booking.Meeting!.HostUrl;

        // Days later, five minutes before the start.
        _app.Clock.Reset(booking.Start - Duration.FromMinutes(5));
        var session = await specialist.Client.GetPageAsync($"/bookings/{booking.Id:N}/session");
        var start = session.QuerySelector("a.join-button")!;
        Assert.Equal("Start the meeting", start.Text());
        var response = await specialist.Client.GetAsync(start.GetAttribute("href"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var hostLink = response.Headers.Location!.AbsoluteUri;
        Assert.StartsWith($"https://us05web.zoom.us/s/{booking.Meeting.ExternalId}?zak=", hostLink);
        Assert.NotEqual(stored, hostLink);
        Assert.Equal(("GET", $"/v2/meetings/{booking.Meeting.ExternalId}"), (_zoom.ApiRequests[^1].Method, _zoom.ApiRequests[^1].Path));

        // The specialist's email carries our link, never Zoom's expiring one.
        var email = await SpecialistEmailAsync(booking.Id);
        Assert.Contains($"Start the meeting (host link): http://localhost:5080/bookings/{booking.Id:N}/session?handler=Host", email.TextBody);
        Assert.DoesNotContain("zak=", email.TextBody);
        Assert.DoesNotContain("zak=", email.HtmlBody);
    }

    [Fact]
    public async Task When_Zoom_gives_no_host_link_the_session_page_says_why_and_what_to_do()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots[3]);
        _app.Clock.Reset(booking.Start - Duration.FromMinutes(5));
        _zoom.FailNext(500);

        var response = await specialist.Client.GetAsync($"/bookings/{booking.Id:N}/session?handler=Host");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await specialist.Client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Equal("Zoom refused to get the host link (HTTP 500, code 500): Internal server error. Please try again later. " +
            "You can still join with the meeting link and sign in to Zoom as the host.", page.QuerySelector(".flash").Text());
        Assert.Equal(booking.Meeting!.JoinUrl, page.QuerySelector("#join a[rel=noopener]")?.GetAttribute("href"));
    }

    [Fact]
    public async Task Only_the_bookings_specialist_gets_a_host_link()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var other = await _app.CreateSpecialistWithSlotsAsync();
        var customer = await _app.CreateCustomerAsync();
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots[3], customer: customer);
        _app.Clock.Reset(booking.Start - Duration.FromMinutes(5));
        var url = $"/bookings/{booking.Id:N}/session?handler=Host";
        var before = _zoom.ApiRequests.Count;

        var anonymous = await _app.CreateBrowserLikeClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/account/sign-in", anonymous.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, (await customer.Client.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync(url)).StatusCode);
        Assert.Equal(before, _zoom.ApiRequests.Count);

        // The customer's own session page offers the join link, not the host's.
        var page = await customer.Client.GetPageAsync($"/bookings/{booking.Id:N}/session");
        Assert.Equal("Join the meeting", page.QuerySelector("a.join-button")!.Text());
        Assert.Equal(booking.Meeting!.JoinUrl, page.QuerySelector("a.join-button")!.GetAttribute("href"));
    }

    private async Task<MimeKit.MimeMessage> SpecialistEmailAsync(Guid bookingId)
    {
        var notification = await _app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .SingleAsync(n => n.BookingId == bookingId && n.Type == NotificationType.NewBooking));
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EmailComposer>().ComposeAsync(notification, CancellationToken.None);
    }
}

using System.Net;
using Consulting.Tests.Support;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

public sealed class SessionPageTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    public async Task The_join_button_turns_on_10_minutes_before_the_start(int secondsAfterOpening, bool enabled)
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots[3]);
        var token = await _app.ManageTokenAsync(booking);
        _app.Clock.Reset(booking.Start - Duration.FromMinutes(10) + Duration.FromSeconds(secondsAfterOpening));

        var page = await _app.CreateClient().GetPageAsync($"/bookings/{booking.Id:N}/session?t={Uri.EscapeDataString(token)}");

        var button = page.QuerySelector(".join-button")!;
        if (enabled)
        {
            Assert.Equal("a", button.LocalName);
            Assert.Equal(booking.Meeting!.JoinUrl, button.GetAttribute("href"));
        }
        else
        {
            Assert.True(button.HasAttribute("disabled"));
            Assert.Contains("10 minutes before the start", page.QuerySelector("#join-note").Text());
            // Without JavaScript the link and the time to join are there to read.
            Assert.Equal(booking.Meeting!.JoinUrl, page.QuerySelector("#join-note a")!.GetAttribute("href"));
        }
        Assert.Contains("Starts in", page.QuerySelector(".countdown").Text());
    }

    [Fact]
    public async Task With_htmx_the_join_panel_refreshes_itself_and_the_specialist_opens_it_signed_in()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots[3]);
        var token = await _app.ManageTokenAsync(booking);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/bookings/{booking.Id:N}/session?t={Uri.EscapeDataString(token)}");
        request.Headers.Add("HX-Request", "true");

        var fragment = await Html.ParseAsync(await _app.CreateClient().SendAsync(request));

        Assert.Equal("join", fragment.Body!.FirstElementChild!.Id);
        Assert.Equal("every 15s", fragment.Body.FirstElementChild.GetAttribute("hx-trigger"));

        // The specialist sees it in their own zone (New York) without a link.
        var own = await specialist.Client.GetPageAsync($"/bookings/{booking.Id:N}/session");
        Assert.StartsWith("Session with Guest Customer", own.QuerySelector("h1").Text());
        Assert.Contains("EST (New York)", own.QuerySelector(".session-time").Text());
        // Another specialist gets nothing.
        var stranger = await _app.CreateSpecialistWithSlotsAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/bookings/{booking.Id:N}/session")).StatusCode);
    }
}

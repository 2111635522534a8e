using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Data;

namespace Consulting.Tests.Pages.Admin;

/// <summary>The admin's list of every booking: filters that combine, paging, and a clear answer to bad input.</summary>
public sealed class AdminBookingsTests : IDisposable
{
    private readonly SeededAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<HttpClient> AdminAsync()
    {
        var admin = _app.CreateBrowserLikeClient();
        await admin.SignInOrFailAsync(DemoData.AdminEmail, DemoData.Password);
        return admin;
    }

    [Fact]
    public async Task Customers_and_specialists_are_refused()
    {
        var customer = _app.CreateBrowserLikeClient();
        await customer.SignInOrFailAsync(DemoData.CustomerEmail, DemoData.Password);
        var specialist = await _app.CreateSpecialistWithSlotsAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/admin/bookings")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await specialist.Client.GetAsync("/admin/bookings")).StatusCode);
    }

    [Fact]
    public async Task Filters_by_specialist_status_customer_and_dates_combine()
    {
        var maya = await _app.CreateSpecialistWithSlotsAsync();
        var other = await _app.CreateSpecialistWithSlotsAsync();
        var cancelled = await _app.ConfirmedBookingAsync(maya.Slots[3], email: "carla@example.com");
        await _app.ConfirmedBookingAsync(maya.Slots[6], email: "dave@example.com");
        await _app.ConfirmedBookingAsync(other.Slots[3], email: "erin@example.com");
        var guest = _app.CreateBrowserLikeClient();
        var manage = await guest.GetPageAsync($"/bookings/{cancelled.Id:N}/cancel?t={Uri.EscapeDataString(await _app.ManageTokenAsync(cancelled))}");
        await guest.SubmitAsync(manage, "main form");
        var admin = await AdminAsync();

        static string[] Emails(AngleSharp.Html.Dom.IHtmlDocument page) => page.QuerySelectorAll("tbody tr")
            .Select(r => r.QuerySelectorAll("td")[2].QuerySelector(".muted").Text().Split(' ')[0]).ToArray();
        // Newest session first.
        Assert.Equal(["dave@example.com", "carla@example.com"], Emails(await admin.GetPageAsync($"/admin/bookings?Specialist={maya.Id}")));
        var cancelledOnly = await admin.GetPageAsync($"/admin/bookings?Specialist={maya.Id}&Status=Cancelled");
        var row = Assert.Single(cancelledOnly.QuerySelectorAll("tbody tr"));
        Assert.Equal(cancelled.Id.ToString(), row.GetAttribute("data-booking-id"));
        Assert.Equal("cancelled", row.QuerySelector(".badge").Text());
        Assert.Equal("Refunded", row.QuerySelectorAll("td")[4].Text());
        Assert.Equal(["erin@example.com"], Emails(await admin.GetPageAsync("/admin/bookings?Customer=ERIN@")));
        // Slots[6] is Thu 5 Nov 09:00 in New York (14:00 UTC); the range 5–5 Nov (UTC) keeps only that one of Maya's.
        Assert.Single((await admin.GetPageAsync($"/admin/bookings?Specialist={maya.Id}&From=2026-11-05&To=2026-11-05")).QuerySelectorAll("tbody tr"));
    }

    [Theory]
    [InlineData("/admin/bookings?From=yesterday")]
    [InlineData("/admin/bookings?Status=Lost")]
    [InlineData("/admin/bookings?Specialist=not-a-guid")]
    public async Task Bad_filters_get_a_message_and_400(string url)
    {
        var response = await (await AdminAsync()).GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Use dates like 2026-11-30", (await Html.ParseAsync(response)).QuerySelector("[role=alert]").Text());
    }
}

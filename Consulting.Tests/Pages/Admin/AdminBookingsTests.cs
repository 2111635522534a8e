using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.EntityFrameworkCore;

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
        await (await CancelBookingPage.OpenAsync(guest, cancelled.Id, await _app.ManageTokenAsync(cancelled))).CancelAsync();
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

    [Fact]
    public async Task The_customer_search_ignores_the_case_of_every_letter_on_either_database()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var emile = await _app.CreateCustomerAsync("Émile Ørsted");
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots[3], customer: emile);
        var admin = await AdminAsync();

        foreach (var term in new[] { "émile ørsted", "ÉMILE", "Ørsted" })
        {
            var rows = (await admin.GetPageAsync($"/admin/bookings?Customer={Uri.EscapeDataString(term)}")).QuerySelectorAll("tbody tr");
            Assert.Equal(booking.Id.ToString(), Assert.Single(rows).GetAttribute("data-booking-id"));
        }
    }

    [Fact]
    public async Task A_booking_opens_from_the_list_with_its_times_customer_history_payment_and_messages_and_can_be_refunded()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots[6], zone: "Asia/Tokyo", email: "kai@example.com");
        var admin = await AdminAsync();

        var list = await admin.GetPageAsync($"/admin/bookings?Specialist={specialist.Id}");
        var link = list.QuerySelector($"tr[data-booking-id='{booking.Id}'] a")!.GetAttribute("href")!;
        var page = await admin.GetPageAsync(link);

        Assert.Equal("confirmed", page.QuerySelector(".page-head .badge").Text());
        // Thu 5 Nov 09:00 in New York: 14:00 UTC, 23:00 in Tokyo.
        Assert.Equal("Thu 5 Nov 2026, 14:00 UTC", page.QuerySelector(".time-utc").Text());
        Assert.Equal("Thu 5 Nov 2026, 23:00 JST (Tokyo)", page.QuerySelector(".time-customer").Text());
        Assert.Equal("Thu 5 Nov 2026, 09:00 EST (New York)", page.QuerySelector(".time-specialist").Text());
        Assert.Equal("kai@example.com", page.QuerySelector("a[href='mailto:kai@example.com']")?.Text());
        Assert.StartsWith("https://meet.jit.si/", page.QuerySelector(".meeting-link")?.GetAttribute("href"));
        var history = page.QuerySelectorAll(".history li .badge").Select(b => b.Text()).ToArray();
        Assert.Equal(["pending", "confirmed"], history);
        var payment = Assert.Single(page.QuerySelectorAll("#payments-heading ~ .table-wrap tbody tr"));
        Assert.Equal("Succeeded", payment.QuerySelector(".badge").Text());
        var messages = page.QuerySelectorAll("tr[data-notification-id]").Select(r => r.QuerySelectorAll("td")[2].Text()).ToArray();
        Assert.Contains("kai@example.com", messages);
        Assert.Contains(specialist.Email, messages);

        var refunded = await admin.SubmitAsync(page, $"tr[data-payment-id] form");
        Assert.Equal(HttpStatusCode.Redirect, refunded.StatusCode);
        var after = await admin.GetPageAsync(refunded.Headers.Location!.OriginalString);
        Assert.Equal("Refund issued.", after.QuerySelector(".flash").Text());
        Assert.Equal("Refunded", after.QuerySelector("tr[data-payment-id] .badge").Text());
        Assert.Contains("Refunded by an administrator", after.QuerySelector("tr[data-payment-id] .refund").Text());
    }

    [Fact]
    public async Task An_unknown_booking_or_another_bookings_payment_is_404()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var one = await _app.ConfirmedBookingAsync(specialist.Slots[3]);
        var other = await _app.ConfirmedBookingAsync(specialist.Slots[4]);
        var othersPayment = await _app.WithDbAsync(db => db.Payments.Where(p => p.BookingId == other.Id).Select(p => p.Id).SingleAsync());
        var admin = await AdminAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/bookings/{Guid.NewGuid()}")).StatusCode);
        var page = await admin.GetPageAsync($"/admin/bookings/{one.Id}");
        var response = await admin.PostWithTokenAsync(page, $"/admin/bookings/{one.Id}?handler=Refund&paymentId={othersPayment}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(PaymentStatus.Succeeded, await _app.WithDbAsync(db => db.Payments.Where(p => p.Id == othersPayment).Select(p => p.Status).SingleAsync()));
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

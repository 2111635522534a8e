using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Tests.Pages.Admin;

public sealed class AdminPaymentsTests : IDisposable
{
    private readonly SeededAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Only_admins_reach_the_payments_page()
    {
        Assert.Equal(HttpStatusCode.Redirect, (await _app.CreateBrowserLikeClient().GetAsync("/admin/payments")).StatusCode);
        var customer = _app.CreateBrowserLikeClient();
        await customer.SignInOrFailAsync(DemoData.CustomerEmail, DemoData.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/admin/payments")).StatusCode);
    }

    [Fact]
    public async Task An_admin_sees_payments_filtered_and_refunds_one_in_full()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots[4], email: "refund-me@example.com");
        var admin = _app.CreateBrowserLikeClient();
        await admin.SignInOrFailAsync(DemoData.AdminEmail, DemoData.Password);

        var page = await admin.GetPageAsync("/admin/payments?Status=Succeeded");
        var row = page.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains("refund-me@example.com"));
        Assert.Contains("€50.00", row.QuerySelector(".num").Text());

        var response = await admin.SubmitAsync(page, $"tr[data-payment-id='{row.GetAttribute("data-payment-id")}'] form");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var payment = await _app.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == booking.Id));
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal("Refunded by an administrator", Assert.Single(payment.Refunds).Reason);
        var refunded = await admin.GetPageAsync("/admin/payments?Status=Refunded");
        Assert.Contains(refunded.QuerySelectorAll("tbody tr"), r => r.TextContent.Contains("refund-me@example.com"));

        // Refunding again is refused with a message, and nothing changes.
        var again = await admin.PostWithTokenAsync(refunded, $"/admin/payments?handler=Refund&paymentId={payment.Id}");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already been refunded", (await Html.ParseAsync(again)).QuerySelector(".notice").Text());
    }
}

using System.Net;
using Consulting.Tests.Payments;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Hosting;

/// <summary>
/// Absolute links come from App:BaseUrl only: a client that sends a forged Host header (here over a
/// real socket, so Kestrel takes the header as it came) can't make the app hand out links to its host.
/// </summary>
public sealed class AbsoluteUrlsTests
{
    private const string BaseUrl = "https://book.consulting.example";
    private const string ForgedHost = "evil.example";

    /// <summary>Holds the first open slot on Monday 9 November and fills in the checkout form, every request with the forged Host.</summary>
    private static async Task<(HttpResponseMessage Response, Guid BookingId)> CheckoutWithForgedHostAsync(AppFactory app)
    {
        app.StartKestrel();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var client = app.CreateBrowserLikeClient();
        client.DefaultRequestHeaders.Host = ForgedHost;
        var week = await OpenTimesPage.OpenAsync(client, specialist.Slug, "2026-11-09", "UTC");
        var slot = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0));
        var checkout = await week.HoldAsync(slot);
        var response = await checkout.SubmitDetailsAsync("Eve Forger", "eve@example.com");
        var bookingId = await app.WithDbAsync(db => db.Bookings.Where(b => b.SlotId == slot.Id).Select(b => b.Id).SingleAsync());
        return (response, bookingId);
    }

    [Fact]
    public async Task A_forged_Host_gets_the_test_card_address_under_App_BaseUrl()
    {
        using var app = new AppFactory { BaseUrl = BaseUrl };

        var (response, bookingId) = await CheckoutWithForgedHostAsync(app);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith($"{BaseUrl}/checkout/{bookingId:N}/test-card?t=", location);
        Assert.DoesNotContain(ForgedHost, location);
    }

    [Fact]
    public async Task A_forged_Host_gives_Stripe_return_addresses_under_App_BaseUrl()
    {
        await using var app = await StripeAppFactory.StartAsync(baseUrl: BaseUrl);

        var (response, bookingId) = await CheckoutWithForgedHostAsync(app);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://checkout.stripe.com/", response.Headers.Location!.OriginalString);
        var created = Assert.Single(app.Stripe.RequestsTo("POST", "/v1/checkout/sessions"));
        Assert.StartsWith($"{BaseUrl}/checkout/{bookingId:N}/done?t=", created.Field("success_url"));
        Assert.StartsWith($"{BaseUrl}/checkout/{bookingId:N}?t=", created.Field("cancel_url"));
        Assert.DoesNotContain(created.Form.Values, value => value.Contains(ForgedHost, StringComparison.OrdinalIgnoreCase));
    }
}

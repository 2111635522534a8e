using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Hosting;

/// <summary>
/// The booking limits on handler methods (hold, test card, reschedule) take effect: a client behind
/// the known proxy is limited by its own forwarded address, gets the 429 page with Retry-After, and
/// the page's other requests (the week view) go on working.
/// </summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly LoopbackProxyApp _app = new(("RateLimits:HoldsPerMinute", "30"));

    public void Dispose() => _app.Dispose();

    private sealed record Visitor(HttpClient Http, string Token, string Action);

    private async Task<Visitor> VisitAsync(string slug, string client)
    {
        var http = _app.ClientFrom(client);
        var get = await http.GetAsync($"/specialists/{slug}?week=2026-11-09&tz=UTC");
        var (token, action) = (await OpenTimesPage.ReadAsync(http, get)).HoldForm;
        return new Visitor(http, token, action);
    }

    private static async Task<HttpResponseMessage> HoldAsync(Visitor visitor, Guid slotId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, visitor.Action)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = visitor.Token, ["slotId"] = slotId.ToString(),
            }),
        };
        return await visitor.Http.SendAsync(request);
    }

    [Fact]
    public async Task The_31st_hold_in_a_minute_from_one_client_gets_the_429_page_and_other_clients_still_book()
    {
        _app.StartKestrel();
        var specialist = await _app.CreateSpecialistWithSlotsAsync(slotMinutes: 15);
        var attacker = await VisitAsync(specialist.Slug, "203.0.113.7");

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++) codes.Add((await HoldAsync(attacker, specialist.Slots[i].Id)).StatusCode);
        var limited = await HoldAsync(attacker, specialist.Slots[30].Id);

        Assert.All(codes, c => Assert.Equal(HttpStatusCode.Redirect, c));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")));
        Assert.InRange(retryAfter, 1, 60);
        var page = await Html.ParseAsync(limited);
        Assert.Equal("Too many attempts", page.QuerySelector("h1").Text());
        Assert.Equal(30, await _app.WithDbAsync(db => Task.FromResult(db.Bookings.Count())));

        // Browsing the week is not a hold: the limited client still sees the page.
        Assert.Equal(HttpStatusCode.OK, (await attacker.Http.GetAsync($"/specialists/{specialist.Slug}?week=2026-11-10&tz=UTC")).StatusCode);
        // Another client behind the same proxy has its own allowance.
        var other = await VisitAsync(specialist.Slug, "203.0.113.8");
        var held = await HoldAsync(other, specialist.Slots[31].Id);
        Assert.Equal(HttpStatusCode.Redirect, held.StatusCode);
        Assert.StartsWith("/checkout/", held.Headers.Location!.OriginalString);
    }

    [Fact]
    public void Every_handler_marked_with_a_booking_limit_is_covered_on_its_page_endpoint()
    {
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        string[] Covered(string page) => endpoints
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>()?.ViewEnginePath == page)
            .SelectMany(e => e.Metadata.GetOrderedMetadata<RateLimitedHandler>())
            .Select(h => $"{h.HttpMethod.ToUpperInvariant()} {h.HandlerName}".Trim()).Distinct().ToArray();

        Assert.Equal(["POST Hold"], Covered("/Specialists/Profile"));
        Assert.Equal(["POST"], Covered("/Checkout/TestCard"));
        Assert.Equal(["POST"], Covered("/Bookings/Reschedule"));
    }
}

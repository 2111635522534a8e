using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Hosting;

namespace Consulting.Tests.Pages.Home;

public sealed class HomePageTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    [Fact]
    public async Task Home_page_lists_every_seeded_specialist_with_price_and_zone()
    {
        await app.RunDueGenerationAsync();
        var page = await app.CreateClient().GetPageAsync("/");

        var cards = page.QuerySelectorAll(".specialist-card");
        var names = cards.Select(c => c.QuerySelector(".specialist-name").Text()).ToList();
        Assert.Equal(DemoData.Specialists.Select(s => s.Name).Order(), names.Order());

        var maya = cards.Single(c => c.QuerySelector(".specialist-name").Text() == "Maya Thompson");
        Assert.Equal("Startup finance & fundraising", maya.QuerySelector(".headline").Text());
        Assert.StartsWith("$120.00", maya.QuerySelector(".price").Text());
        // 2 Nov 2026 is after the US fall-back (1 Nov), so New York is on EST, UTC−05:00.
        Assert.Equal("New York (UTC−05:00)", maya.QuerySelector(".zone").Text());
        // The demo history: Maya's three reviews (5, 5, 4); Kenji has none yet.
        // As a screen reader reads it (the star is hidden from it; "out of 5" and "reviews" are for it alone).
        Assert.Equal("★ 4.7 out of 5 (3 reviews)", maya.QuerySelector(".rating").Text());
        var kenji = cards.Single(c => c.QuerySelector(".specialist-name").Text() == "Kenji Sato");
        Assert.Equal("New", kenji.QuerySelector(".rating").Text());

        var priya = cards.Single(c => c.QuerySelector(".specialist-name").Text() == "Priya Raman");
        Assert.StartsWith("₹2,500.00", priya.QuerySelector(".price").Text());
        Assert.Equal("Kolkata (UTC+05:30)", priya.QuerySelector(".zone").Text());
    }

    [Fact]
    public async Task Home_page_shows_an_invitation_when_there_are_no_specialists()
    {
        using var empty = new AppFactory();
        var page = await empty.CreateClient().GetPageAsync("/");

        Assert.Empty(page.QuerySelectorAll(".specialist-card"));
        Assert.Contains("No specialists yet", page.QuerySelector(".empty").Text());
    }

    [Fact]
    public async Task Healthz_reports_healthy()
    {
        var response = await app.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var health = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("No messages waiting", health.RootElement.GetProperty("checks").GetProperty("outbox").GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/healthz"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await app.CreateClient().PostAsync("/healthz", null)).StatusCode);
    }

    [Fact]
    public async Task Htmx_2_0_and_its_antiforgery_script_are_served_from_our_own_origin()
    {
        var client = app.CreateClient();
        var page = await client.GetPageAsync("/");
        var scripts = page.Scripts.Select(s => s.Source).ToList();
        Assert.All(scripts, src => Assert.DoesNotContain("://", src));

        var htmx = await client.GetStringAsync("/lib/htmx/htmx.min.js");
        Assert.Contains("version:\"2.0.11\"", htmx);
        var antiforgery = await client.GetStringAsync("/_htmx/antiforgery.js");
        Assert.Contains("htmx:configRequest", antiforgery);

        var config = page.QuerySelector("meta[name=htmx-config]")?.GetAttribute("content") ?? "";
        Assert.Contains("\"antiForgery\"", config);
        Assert.Contains("\"includeIndicatorStyles\":false", config);
    }

    [Fact]
    public async Task Pages_carry_security_headers()
    {
        var response = await app.CreateClient().GetAsync("/");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Unknown_address_gets_a_friendly_404_page()
    {
        var response = await app.CreateClient().GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("We couldn't find that page", page.QuerySelector("h1").Text());
    }
}

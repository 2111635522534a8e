using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

public sealed class FindPageTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<(BookableSpecialist NewYork, BookableSpecialist Berlin)> TwoSpecialistsAsync()
    {
        // New York: 30-minute sessions at €50; Berlin: 60-minute sessions at €80.
        var ny = await _app.CreateSpecialistWithSlotsAsync("America/New_York", slotMinutes: 30);
        var berlin = await _app.CreateSpecialistWithSlotsAsync("Europe/Berlin");
        await _app.WithDbAsync(db => db.Slots.Where(s => s.SpecialistId == berlin.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.PriceMinor, 80_00)));
        return (ny, berlin);
    }

    [Fact]
    public async Task Search_lists_open_slots_of_every_specialist_in_time_order_20_a_page()
    {
        await TwoSpecialistsAsync();
        var client = _app.CreateClient();

        var first = await FindPage.SearchAsync(client, "From=2026-11-03&To=2026-11-13&tz=UTC");

        // 9 weekdays × (6 New York + 3 Berlin slots).
        Assert.Equal("81 open times", first.ResultsHeading);
        Assert.Equal(20, first.ResultCount);
        Assert.Equal("Page 1 of 5", first.PagerText);
        // Berlin 09:00 CET is 08:00 UTC, before New York's 09:00 EST (14:00 UTC).
        Assert.Equal("08:00 UTC", first.Results[0].Time);

        var second = await FindPage.OpenAtAsync(client, first.NextPageLink!.GetAttribute("href")!);
        Assert.Equal("Page 2 of 5", second.PagerText);
        var last = await FindPage.OpenAtAsync(client, second.NextPageLink!.GetAttribute("href")!.Replace("p=3", "p=5"));
        Assert.Equal(1, last.ResultCount);
        Assert.Null(last.NextPageLink);
    }

    [Fact]
    public async Task A_zone_name_we_dont_know_is_named_beside_the_field_and_the_search_runs_in_a_known_zone()
    {
        await TwoSpecialistsAsync();

        var find = await FindPage.SearchAsync(_app.CreateClient(), "From=2026-11-03&To=2026-11-13&tz=Europe%2FBerlim");

        var page = find.Document;
        var input = page.QuerySelector("#find-tz")!;
        Assert.Equal(("Europe/Berlim", "true"), (input.GetAttribute("value"), input.GetAttribute("aria-invalid")));
        Assert.StartsWith("\u201CEurope/Berlim\u201D is not a time zone we know", page.QuerySelector("#" + input.GetAttribute("aria-describedby"))!.Text());
        Assert.Equal("08:00 UTC", find.Results[0].Time);
        Assert.Empty(page.QuerySelector("datalist#" + input.GetAttribute("list"))!.Children);
    }

    [Fact]
    public async Task Session_length_and_max_price_filter_the_results()
    {
        await TwoSpecialistsAsync();
        var client = _app.CreateClient();

        var thirty = await FindPage.SearchAsync(client, "From=2026-11-03&To=2026-11-13&Length=30&tz=UTC");
        Assert.Equal("54 open times", thirty.ResultsHeading);
        Assert.All(thirty.ResultMetas, m => Assert.StartsWith("30 min", m));

        var cheap = await FindPage.SearchAsync(client, "From=2026-11-03&To=2026-11-13&MaxPrice=60&Currency=EUR&tz=UTC");
        Assert.Equal("54 open times", cheap.ResultsHeading);
        Assert.All(cheap.ResultPrices, m => Assert.Equal("€50.00", m));

        var none = await FindPage.SearchAsync(client, "From=2026-11-03&To=2026-11-13&MaxPrice=49.99&Currency=EUR&tz=UTC");
        Assert.Equal("0 open times", none.ResultsHeading);
        Assert.True(none.SaysNothingFound);
    }

    [Fact]
    public async Task Held_slots_and_slots_inside_the_minimum_notice_are_not_offered()
    {
        var (ny, _) = await TwoSpecialistsAsync();
        await _app.WithDbAsync(db => db.Slots.Where(s => s.Id == ny.Slots[2].Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SlotState.Held)));
        // Tuesday 3 Nov 09:00 EST is 14:00 UTC: at 12:30 UTC it is inside the two-hour notice, 09:30 is not.
        _app.Clock.Reset(Instant.FromUtc(2026, 11, 3, 12, 30));

        var page = await FindPage.SearchAsync(_app.CreateClient(), "From=2026-11-03&To=2026-11-03&tz=America%2FNew_York");

        var times = page.Results.Where(r => r.Name.StartsWith("Test Specialist")).Select(r => r.Time).ToList();
        Assert.DoesNotContain("09:00 EST", times);
        Assert.Contains("09:30 EST", times);
        Assert.DoesNotContain("10:00 EST", times);
        Assert.Contains("10:30 EST", times);
    }

    [Theory]
    [InlineData("From=2026-11-10&To=2026-11-03", FindPage.To, "on or after the first")]
    [InlineData("From=garbage", FindPage.From, "Enter a date")]
    [InlineData("From=2026-11-03&To=2027-06-01", FindPage.To, "at most 92 days")]
    [InlineData("MaxPrice=50", FindPage.Currency, "Choose the currency")]
    [InlineData("MaxPrice=-5&Currency=USD", FindPage.MaxPrice, "Enter an amount")]
    [InlineData("Length=7", FindPage.Length, "Choose a session length")]
    public async Task Bad_filters_get_a_message_beside_the_field_and_400(string query, string field, string message)
    {
        var client = _app.CreateClient();
        var response = await client.GetAsync("/find?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await FindPage.ReadAsync(client, response)).Error(field));
    }

    [Fact]
    public async Task With_htmx_the_search_returns_only_the_search_fragment()
    {
        await TwoSpecialistsAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/find?From=2026-11-03&To=2026-11-04&tz=UTC");
        request.Headers.Add("HX-Request", "true");

        var client = _app.CreateClient();
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fragment = await FindPage.ReadAsync(client, response);
        Assert.Null(fragment.Document.QuerySelector("header.site-header"));
        Assert.Equal("search", fragment.Document.Body!.FirstElementChild!.Id);
        Assert.Equal("18 open times", fragment.ResultsHeading);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pager_links_carry_the_filters_and_with_htmx_send_the_filter_bar_as_it_is_now(bool htmx)
    {
        await TwoSpecialistsAsync();
        var client = _app.CreateClient();
        async Task<FindPage> GetAsync(string url)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (htmx) request.Headers.Add("HX-Request", "true");
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await FindPage.ReadAsync(client, response);
        }

        var first = await GetAsync("/find?From=2026-11-03&To=2026-11-13&Length=30&MaxPrice=60&Currency=EUR&tz=UTC");

        // New York's 30-minute €50 sessions only: 9 weekdays × 6.
        Assert.Equal("54 open times", first.ResultsHeading);
        var next = first.NextPageLink!;
        // Without JavaScript the link is the whole search, next page.
        var href = next.GetAttribute("href")!;
        foreach (var part in new[] { "From=2026-11-03", "To=2026-11-13", "Length=30", "MaxPrice=60", "Currency=EUR", "p=2" })
            Assert.Contains(part, href);
        // With htmx it sends the filter bar as it stands and swaps only the results (the target is inherited from #search).
        Assert.Equal("#find-filters", next.GetAttribute("hx-include"));
        Assert.Equal("{\"p\": 2}", next.GetAttribute("hx-vals"));
        Assert.Null(next.GetAttribute("hx-target"));
        Assert.Equal("#results", first.Document.GetElementById("search")!.GetAttribute("hx-target"));
        Assert.Equal("#results", first.Document.GetElementById("search")!.GetAttribute("hx-select"));

        // A value typed into the bar but not yet searched goes with the page link: htmx's request is the form's fields plus p.
        var fields = first.FilterFields(new Dictionary<string, string> { [FindPage.To] = "2026-11-06" });
        var second = await GetAsync("/find?" + string.Join("&", fields.Select(f => $"{f.Name}={Uri.EscapeDataString(f.Value)}")) + "&p=2");
        Assert.Equal("24 open times", second.ResultsHeading);
        Assert.Equal("Page 2 of 2", second.PagerText);
        Assert.Equal(4, second.ResultCount);
        Assert.Equal("2026-11-06", second.Document.GetElementById(FindPage.To)!.GetAttribute("value"));
    }
}

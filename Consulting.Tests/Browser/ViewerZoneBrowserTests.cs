using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Microsoft.Playwright;

namespace Consulting.Tests.Browser;

/// <summary>The zone a page shows times in follows the browser, unless the visitor picked one.</summary>
[ProviderIndependent]
[Collection(BrowserCollection.Name)]
public sealed class ViewerZoneBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(false, "Madrid")]
    [InlineData(true, "New York")]
    public async Task A_zone_detected_earlier_gives_way_to_the_browsers_zone_but_a_picked_one_stays(bool picked, string shown)
    {
        await browser.App.RunDueGenerationAsync();
        var page = await browser.NewPageAsync(timeZone: "Europe/Madrid");
        // Last visit, from New York: the cookie site.js wrote then (or the zone picked then, which the server marks).
        var cookies = new List<Cookie> { new() { Name = "tz", Value = Uri.EscapeDataString("America/New_York"), Url = browser.BaseUrl } };
        if (picked) cookies.Add(new() { Name = "tz-picked", Value = "1", Url = browser.BaseUrl });
        await page.Context.AddCookiesAsync(cookies);

        var week = await OpenTimesBrowserPage.OpenAsync(page, "maya-thompson");

        await Assertions.Expect(week.ZoneLabel).ToContainTextAsync(shown);
    }
}

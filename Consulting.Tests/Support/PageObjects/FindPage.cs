using AngleSharp.Html.Dom;
using Microsoft.Playwright;

namespace Consulting.Tests.Support.PageObjects;

/// <summary>
/// /find over HTTP: open times of every specialist, filtered by the bar (a GET form, so a search is
/// its address), 20 a page.
/// </summary>
public sealed class FindPage(HttpClient client, IHtmlDocument document) : HttpPage(client, document)
{
    public const string From = "From";
    public const string To = "To";
    public const string Length = "Length";
    public const string MaxPrice = "MaxPrice";
    public const string Currency = "Currency";

    /// <summary>Opens the search whose filters are <paramref name="query"/> ("From=2026-11-03&amp;tz=UTC").</summary>
    public static async Task<FindPage> SearchAsync(HttpClient client, string query) => await OpenAtAsync(client, "/find?" + query);

    public static async Task<FindPage> OpenAtAsync(HttpClient client, string url) => new(client, await client.GetPageAsync(url));

    public static async Task<FindPage> ReadAsync(HttpClient client, HttpResponseMessage response) => new(client, await Html.ParseAsync(response));

    /// <summary>"81 open times".</summary>
    public string ResultsHeading => Document.GetElementById("results-heading").Text();

    public int ResultCount => Document.QuerySelectorAll(".result").Length;

    /// <summary>Each result's time as shown ("08:00 UTC"), with the specialist's name.</summary>
    public IReadOnlyList<(string Name, string Time)> Results => Document.QuerySelectorAll(".result")
        .Select(r => (r.QuerySelector(".result-name").Text(), r.QuerySelector(".slot-time").Text())).ToList();

    /// <summary>Each result's length and price line ("30 min · €50.00"), and the price alone.</summary>
    public IReadOnlyList<string> ResultMetas => Document.QuerySelectorAll(".result-meta").Select(e => e.Text()).ToList();

    public IReadOnlyList<string> ResultPrices => Document.QuerySelectorAll(".result-meta strong").Select(e => e.Text()).ToList();

    /// <summary>What an empty search shows instead of results, or false.</summary>
    public bool SaysNothingFound => Document.QuerySelector("#results .empty") is not null;

    /// <summary>"Page 2 of 5".</summary>
    public string PagerText => Document.QuerySelector(".pager span").Text();

    /// <summary>The pager's "Next" link, or null on the last page.</summary>
    public AngleSharp.Dom.IElement? NextPageLink => Document.QuerySelector(".pager a[rel=next]");

    /// <summary>The filter bar's fields as they stand, with <paramref name="typed"/> typed over them: what htmx sends.</summary>
    public IEnumerable<(string Name, string Value)> FilterFields(IReadOnlyDictionary<string, string> typed)
    {
        var form = (IHtmlFormElement)Document.GetElementById("find-filters")!;
        return form.Elements.OfType<IHtmlInputElement>().Select(i => (i.Name!, typed.GetValueOrDefault(i.Name!, i.Value)))
            .Concat(form.Elements.OfType<IHtmlSelectElement>().Select(s => (s.Name!, typed.GetValueOrDefault(s.Name!, s.Value ?? ""))));
    }
}

/// <summary>/find in Chromium: the filter bar searches as it changes (htmx), the pager swaps only the results.</summary>
public sealed class FindBrowserPage(IPage page)
{
    public IPage Page { get; } = page;

    public static async Task<FindBrowserPage> OpenAsync(IPage page)
    {
        await page.GotoAsync("/find");
        return new FindBrowserPage(page);
    }

    public ILocator LengthFilter => Page.Locator("#" + FindPage.Length);

    public ILocator MaxPriceFilter => Page.Locator("#" + FindPage.MaxPrice);

    public ILocator CurrencyFilter => Page.Locator("#" + FindPage.Currency);

    /// <summary>The message beside the price filter.</summary>
    public ILocator MaxPriceError => Page.Locator($"#{FindPage.MaxPrice}-error");

    public ILocator ResultsHeading => Page.Locator("#results-heading");

    public ILocator PagerText => Page.Locator(".pager span");

    public ILocator NextPageLink => Page.Locator(".pager a[rel=next]");
}

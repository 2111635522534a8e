using System.Net;
using AngleSharp.Html.Dom;

namespace Consulting.Tests.Support.PageObjects;

/// <summary>
/// A page fetched through the real pipeline and parsed with AngleSharp, with the client that fetched it
/// (its cookies carry the antiforgery cookie the page's forms need). Subclasses own their page's
/// selectors and field names; tests call their intent-named methods and read what a visitor sees.
/// </summary>
public abstract class HttpPage(HttpClient client, IHtmlDocument document)
{
    private static readonly Dictionary<string, string> HtmxHeaders = new() { ["HX-Request"] = "true" };

    public HttpClient Client { get; } = client;
    public IHtmlDocument Document { get; } = document;

    /// <summary>The message shown beside <paramref name="field"/> (one of the page's field-name constants), or "".</summary>
    public string Error(string field) => Document.FieldError(field);

    /// <summary>Submits the form matching <paramref name="formSelector"/> as rendered, with <paramref name="values"/> typed over it.</summary>
    protected Task<HttpResponseMessage> SubmitAsync(string formSelector, IReadOnlyDictionary<string, string>? values = null, bool htmx = false) =>
        Client.SubmitAsync(Document, formSelector, values, htmx ? HtmxHeaders : null);

    /// <summary>Fails the test unless <paramref name="response"/> redirects, then GETs where it points.</summary>
    protected static async Task<IHtmlDocument> FollowAsync(HttpClient client, HttpResponseMessage response)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther,
            $"Expected a redirect, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await client.GetPageAsync(response.Headers.Location!.OriginalString);
    }
}

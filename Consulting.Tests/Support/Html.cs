using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace Consulting.Tests.Support;

/// <summary>AngleSharp helpers: read a page, and submit a rendered form the way a browser would.</summary>
public static class Html
{
    private static readonly IBrowsingContext Context = BrowsingContext.New(Configuration.Default);

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response)
    {
        var content = await response.Content.ReadAsStringAsync();
        var url = response.RequestMessage?.RequestUri?.ToString() ?? "http://localhost/";
        var document = await Context.OpenAsync(r => r.Content(content).Address(url));
        return (IHtmlDocument)document;
    }

    /// <summary>GETs a page and fails the test unless it is 200.</summary>
    public static async Task<IHtmlDocument> GetPageAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} gave {(int)response.StatusCode}");
        return await ParseAsync(response);
    }

    /// <summary>
    /// Posts the form found by <paramref name="formSelector"/> with its current field values
    /// (the antiforgery token included), overridden by <paramref name="values"/>.
    /// </summary>
    public static Task<HttpResponseMessage> SubmitAsync(this HttpClient client, IHtmlDocument page, string formSelector,
        IReadOnlyDictionary<string, string>? values = null, IDictionary<string, string>? headers = null)
    {
        var form = page.QuerySelector<IHtmlFormElement>(formSelector)
            ?? throw new InvalidOperationException($"No form matches '{formSelector}'.");
        var fields = FormFields(form);
        foreach (var (name, value) in values ?? new Dictionary<string, string>())
        {
            // A value for a submit button stands for clicking that button.
            if (!fields.Any(f => f.Key == name) && form.Elements.All(e => e.GetAttribute("name") != name))
                throw new InvalidOperationException($"The form has no field or button named '{name}'.");
            fields.RemoveAll(f => f.Key == name);
            fields.Add(new(name, value));
        }

        var action = new Uri(new Uri(page.Url), form.GetAttribute("action") ?? "");
        var request = new HttpRequestMessage(HttpMethod.Post, action.PathAndQuery)
        {
            Content = new FormUrlEncodedContent(fields),
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.Add(name, value);
        return client.SendAsync(request);
    }

    /// <summary>
    /// POSTs straight to <paramref name="url"/> with the page's antiforgery token and <paramref name="fields"/>
    /// only: a hand-made request, for what the rendered forms don't offer (someone else's id, a repeat).
    /// </summary>
    public static Task<HttpResponseMessage> PostWithTokenAsync(this HttpClient client, IHtmlDocument page, string url,
        IReadOnlyDictionary<string, string>? fields = null)
    {
        // Every form of one response carries the same token (signed-in pages have at least the sign-out form).
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
            ?? throw new InvalidOperationException($"{page.Url} has no antiforgery token.");
        var values = new Dictionary<string, string>(fields ?? new Dictionary<string, string>()) { ["__RequestVerificationToken"] = token };
        return client.PostAsync(url, new FormUrlEncodedContent(values));
    }

    private static List<KeyValuePair<string, string>> FormFields(IHtmlFormElement form)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            var name = element.GetAttribute("name");
            if (string.IsNullOrEmpty(name) || element.HasAttribute("disabled")) continue;
            switch (element)
            {
                case IHtmlInputElement { Type: "checkbox" or "radio" } box:
                    if (box.IsChecked) fields.Add(new(name, box.Value));
                    break;
                case IHtmlInputElement { Type: "submit" or "button" or "image" }:
                case IHtmlButtonElement:
                    break;
                case IHtmlInputElement input:
                    fields.Add(new(name, input.Value));
                    break;
                case IHtmlSelectElement select:
                    fields.Add(new(name, select.Value ?? ""));
                    break;
                case IHtmlTextAreaElement area:
                    fields.Add(new(name, area.Value));
                    break;
            }
        }
        return fields;
    }

    /// <summary>The validation message rendered beside a field (asp-validation-for), or "" if none.</summary>
    public static string FieldError(this IHtmlDocument page, string fieldName) =>
        page.QuerySelector($"[data-valmsg-for='{fieldName}']")?.TextContent.Trim() ?? "";

    public static string Text(this IElement? element) => element?.TextContent.Trim() ?? "";
}

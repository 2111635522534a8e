using System.Text;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Tests.Authorization;

/// <summary>
/// Every endpoint of the app's endpoint list (as the authorization matrix reads it, so a new page or
/// handler is fuzzed without anyone adding it) gets hostile values in every form field and query
/// value it binds: wrong types, a 100 KB string, control characters, unicode tricks, numbers and
/// dates out of range, everything missing, everything sent twice. The app never answers 5xx, and a
/// request it refuses (4xx) leaves the database as it was.
/// </summary>
public sealed class FuzzTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    private static readonly string[] Hostile =
    [
        "",
        new string('x', 100 * 1024),
        "\u0000\u0001\r\nX-Injected: 1\r\n\u007f",
        "-99999999999999999999",
        "-9998-01-01",
        "9999-12-31T23:59:59",
        "Ü\u202E🙂\uFFFF\uD800",
        "{\"$ne\":null}' OR 1=1 --<script>",
    ];

    /// <summary>Who gets past each area's authorization, so the fuzzed values reach the handler.</summary>
    private static Who Identity(AppEndpoint endpoint) => endpoint.Path switch
    {
        var p when p.StartsWith("/specialist/", StringComparison.Ordinal) => Who.SpecialistX,
        var p when p.StartsWith("/admin", StringComparison.Ordinal) => Who.Admin,
        _ => Who.CustomerA,
    };

    /// <summary>Route values that lead to real things (A's booking, X's page), so the handler runs past its lookup.</summary>
    private async Task<Dictionary<string, string>> RouteValuesAsync() => new()
    {
        ["id"] = world.BookingOfA.Id.ToString(),
        ["slug"] = world.X.Slug,
        ["secret"] = await world.FeedSecretOfXAsync(),
        ["code"] = "400",
        ["name"] = "missing.eml",
    };

    /// <summary>What a refused request must not have changed.</summary>
    private Task<string> FingerprintAsync() => world.App.WithDbAsync(async db => string.Join(" | ",
        await db.Bookings.CountAsync(),
        string.Join(",", await db.Bookings.GroupBy(b => b.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}").ToListAsync()),
        string.Join(",", await db.Slots.GroupBy(s => s.State).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}").ToListAsync()),
        string.Join(",", await db.Payments.GroupBy(p => p.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}").ToListAsync()),
        await db.Reviews.CountAsync(),
        await db.Notifications.CountAsync(),
        await db.Schedules.SelectMany(s => s.Exceptions).CountAsync(),
        await db.Specialists.CountAsync()));

    [Fact]
    public async Task Hostile_values_in_every_field_of_every_endpoint_never_give_a_5xx_or_a_partial_write()
    {
        var route = await RouteValuesAsync();
        var problems = new List<string>();
        var requests = 0;
        // Endpoints outside Razor Pages (webhooks, feeds, health) bind no fields: they get the missing and duplicated cases.
        foreach (var endpoint in world.Endpoints.Where(e => e.Method is "GET" or "POST"))
        {
            // Signing out ends the session it is sent in: that row gets a session of its own each time.
            var ownSession = endpoint.Path == "/account/sign-out" && endpoint.Method == "POST";
            var path = endpoint.PathFor(route);
            var fields = endpoint.Fields.Select(f => f.Name).Distinct().ToList();

            var variants = new List<(string Name, List<KeyValuePair<string, string>> Values)> { ("nothing", []) };
            variants.AddRange(Hostile.Select((value, i) => ($"value #{i}", fields.Select(f => new KeyValuePair<string, string>(f, value)).ToList())));
            variants.Add(("every field twice", fields.SelectMany(f => new[] { new KeyValuePair<string, string>(f, "1"), new(f, "2026-11-09") }).ToList()));

            foreach (var (name, values) in variants)
            {
                var session = ownSession ? await world.NewSessionAsync(Identity(endpoint)) : world[Identity(endpoint)];
                var before = await FingerprintAsync();
                var response = await SendAsync(session, endpoint, path, values);
                requests++;
                var status = (int)response.StatusCode;
                if (status >= 500) problems.Add($"{endpoint.Key} with {name}: {status}");
                else if (status >= 400 && await FingerprintAsync() is var after && after != before)
                    problems.Add($"{endpoint.Key} with {name}: {status}, yet the database changed ({before} → {after})");
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} of {requests} requests:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        Assert.True(requests > 300, $"only {requests} requests: the endpoint list or its fields went missing");
    }

    [Fact]
    public void The_fuzzer_sees_the_fields_of_forms_and_queries()
    {
        // Fields come from the app itself: a handler's parameters and the page's bound properties, flattened.
        string[] FieldsOf(string key) => [.. world.Endpoints.Single(e => e.Key == key).Fields.Select(f => f.Name)];

        Assert.Contains("Input.Name", FieldsOf("POST /checkout/{id:guid}"));
        Assert.Contains("Input.Notes", FieldsOf("POST /checkout/{id:guid}"));
        Assert.Contains("slotId", FieldsOf("POST /specialists/{slug}?handler=Hold"));
        Assert.Contains("week", FieldsOf("GET /specialists/{slug}"));
        Assert.Contains("NewException.Windows[1].Start", FieldsOf("POST /specialist/availability?handler=AddException"));
        Assert.DoesNotContain("id", FieldsOf("POST /checkout/{id:guid}"));
    }

    private static Task<HttpResponseMessage> SendAsync(Session session, AppEndpoint endpoint, string path, List<KeyValuePair<string, string>> values)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (endpoint.Handler is not null) query.Add(new("handler", endpoint.Handler));
        if (endpoint.Method == "GET")
        {
            query.AddRange(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
            return session.Client.GetAsync(QueryHelpers.AddQueryString(path, query));
        }
        var token = session.TokenPage.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var form = new List<KeyValuePair<string, string>>(values) { new("__RequestVerificationToken", token) };
        // FormUrlEncodedContent refuses lone surrogates; the bytes go as the browser would send them, UTF-8 with replacements.
        var body = string.Join('&', form.Select(f => $"{Uri.EscapeDataString(Utf8(f.Key))}={Uri.EscapeDataString(Utf8(f.Value))}"));
        return session.Client.PostAsync(QueryHelpers.AddQueryString(path, query),
            new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));
    }

    private static string Utf8(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
}

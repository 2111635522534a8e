using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consulting.Tests.Support;

/// <summary>One request the Twilio stand-in received, exactly as it arrived, and the status it got.</summary>
public sealed record TwilioRequest(
    string Method, string Path, string? Authorization, string? ContentType, string Body, int Status)
{
    /// <summary>The form fields of the form-encoded body (Twilio reads "+" as a space, as forms do).</summary>
    public IReadOnlyDictionary<string, string> Form =>
        QueryHelpers.ParseQuery(Body).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
}

/// <summary>
/// A local stand-in for the part of Twilio the app calls, on a real loopback socket, written from
/// Twilio's REST API reference: <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>, HTTP Basic
/// auth with the account SID and auth token, form-encoded <c>To</c>, <c>From</c> and <c>Body</c>;
/// 201 with the queued message. Errors are Twilio's JSON:
/// <c>{"code":21211,"message":"…","more_info":"https://www.twilio.com/docs/errors/21211","status":400}</c>.
/// </summary>
public sealed class TwilioStandIn : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "stand-in-auth-token-never-logged-0";
    /// <summary>Twilio's magic test sender number.</summary>
    public const string From = "+15005550006";

    private LoopbackHost _host = null!;
    private readonly object _gate = new();
    private readonly List<TwilioRequest> _requests = [];
    private readonly Queue<(int Status, string ContentType, string Body)> _failures = new();

    private TwilioStandIn() { }

    /// <summary>Where the API lives, without <c>/2010-04-01</c> (Twilio:ApiBase).</summary>
    public string ApiBase { get; private set; } = "";

    public static string MessagesPath => $"/2010-04-01/Accounts/{AccountSid}/Messages.json";

    public static async Task<TwilioStandIn> StartAsync()
    {
        var standIn = new TwilioStandIn();
        standIn._host = await LoopbackHost.StartAsync("TwilioStandIn", standIn.HandleAsync);
        standIn.ApiBase = standIn._host.BaseUrl;
        return standIn;
    }

    public IReadOnlyList<TwilioRequest> Requests
    {
        get { lock (_gate) return [.. _requests]; }
    }

    /// <summary>The next request gets this Twilio error instead of a sent message. Queue several for several requests.</summary>
    public void FailNext(int status, int code, string message) =>
        FailNextWith(status, "application/json", Error(status, code, message).ToJsonString());

    /// <summary>The next request gets exactly this answer (say, a proxy's HTML error page).</summary>
    public void FailNextWith(int status, string contentType, string body)
    {
        lock (_gate) _failures.Enqueue((status, contentType, body));
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync();
        var path = request.Path.Value ?? "";

        int status;
        string contentType, answer;
        lock (_gate)
        {
            if (_failures.TryDequeue(out var failure))
                (status, contentType, answer) = failure;
            else
            {
                JsonObject json;
                try
                {
                    (status, json) = Answer(request.Method, path, request.Headers.Authorization.ToString(), request.ContentType, body);
                }
                catch (Exception e)
                {
                    // A bug in the stand-in itself: say so, rather than look like a Twilio outage.
                    (status, json) = (500, Error(500, 0, "Stand-in failure: " + e));
                }
                (contentType, answer) = ("application/json; charset=utf-8", json.ToJsonString());
            }
            _requests.Add(new TwilioRequest(request.Method, path,
                request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null, request.ContentType, body, status));
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(answer);
    }

    private static (int, JsonObject) Answer(string method, string path, string authorization, string? contentType, string body)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (authorization != expected) return (401, Error(401, 20003, "Authenticate"));
        if (path != MessagesPath) return (404, Error(404, 20404, $"The requested resource {path} was not found"));
        if (method != "POST") return (405, Error(405, 20004, "Method not allowed"));

        var form = contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
            ? QueryHelpers.ParseQuery(body).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var to = form.GetValueOrDefault("To") ?? "";
        var from = form.GetValueOrDefault("From") ?? "";
        var text = form.GetValueOrDefault("Body") ?? "";
        if (to.Length == 0) return (400, Error(400, 21604, "A 'To' phone number is required."));
        if (from.Length == 0) return (400, Error(400, 21603, "A 'From' phone number is required."));
        if (text.Length == 0) return (400, Error(400, 21602, "Message body is required."));
        if (!to.StartsWith('+') || to.Length is < 9 or > 16 || !to[1..].All(char.IsAsciiDigit))
            return (400, Error(400, 21211, "The 'To' number is not a valid phone number."));
        if (text.Length > 1600) return (400, Error(400, 21617, "The concatenated message body exceeds the 1600 character limit."));

        var sid = "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture);
        return (201, new JsonObject
        {
            ["account_sid"] = AccountSid,
            ["api_version"] = "2010-04-01",
            ["body"] = text,
            ["date_created"] = now,
            ["date_sent"] = null,
            ["date_updated"] = now,
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = from,
            ["messaging_service_sid"] = null,
            ["num_media"] = "0",
            ["num_segments"] = "1",
            ["price"] = null,
            ["price_unit"] = "USD",
            ["sid"] = sid,
            ["status"] = "queued",
            ["to"] = to,
            ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}.json",
        });
    }

    private static JsonObject Error(int status, int code, string message) => new()
    {
        ["code"] = code,
        ["message"] = message,
        ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
        ["status"] = status,
    };

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
    }
}

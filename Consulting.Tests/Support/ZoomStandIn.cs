using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Text;

namespace Consulting.Tests.Support;

/// <summary>One request the Zoom stand-in received, exactly as it arrived, and the status it got.</summary>
public sealed record ZoomRequest(
    string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, int Status)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The form fields of a form-encoded body, and the query string's (Zoom's token endpoint reads both).</summary>
    public IReadOnlyDictionary<string, string> Form =>
        QueryHelpers.ParseQuery(Query).Concat(QueryHelpers.ParseQuery(Body))
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value.ToString(), StringComparer.Ordinal);

    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public bool IsTokenRequest => Path == "/oauth/token";
}

/// <summary>
/// A local stand-in for the parts of Zoom the app calls, on a real loopback socket, written from
/// Zoom's API reference: the Server-to-Server OAuth token endpoint (<c>POST /oauth/token</c>, Basic
/// auth, <c>grant_type=account_credentials</c>, tokens that last an hour) and, under <c>/v2</c>,
/// <c>POST /users/me/meetings</c> (201 with the meeting), <c>GET /meetings/{id}</c> (with a new
/// start_url each time, as Zoom's expire after two hours), <c>PATCH /meetings/{id}</c> and
/// <c>DELETE /meetings/{id}</c> (204, or 404 with code 3001). Meeting ids are 64-bit numbers.
/// Errors are Zoom's JSON: <c>{"code":…,"message":…}</c> from the API, <c>{"reason":…,"error":…}</c> from OAuth.
/// </summary>
public sealed class ZoomStandIn : IAsyncDisposable
{
    public const string AccountId = "Acc0unt-StandIn_1";
    public const string ClientId = "stand-in-client-id";
    public const string ClientSecret = "stand-in-client-secret-never-logged";

    // Zoom's access tokens last an hour (expires_in 3599).
    private const int TokenSeconds = 3599;

    private LoopbackHost _host = null!;
    private readonly Func<DateTimeOffset> _now;
    private readonly object _gate = new();
    private readonly List<ZoomRequest> _requests = [];
    private readonly Dictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly List<string> _issued = [];
    private readonly Queue<(int Status, int Code, string Message, TimeSpan Delay)> _failures = new();
    private readonly Dictionary<long, JsonObject> _meetings = new();

    private ZoomStandIn(Func<DateTimeOffset> now) => _now = now;

    /// <summary>Where <c>/oauth/token</c> lives (Zoom:OAuthBase).</summary>
    public string OAuthBase { get; private set; } = "";

    /// <summary>The REST API root with its <c>/v2</c> (Zoom:ApiBase).</summary>
    public string ApiBase => OAuthBase + "/v2";

    /// <summary>The id the next created meeting gets (then counting up). Zoom's are 10–11 digits, past int's range.</summary>
    public long NextMeetingId { get; set; } = 85_746_065_432;

    /// <summary>How long the token endpoint takes to answer, to let concurrent callers pile up.</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <param name="now">Zoom's clock, for token expiry; the tests' fake clock keeps both in step.</param>
    public static async Task<ZoomStandIn> StartAsync(Func<DateTimeOffset>? now = null)
    {
        var standIn = new ZoomStandIn(now ?? (() => DateTimeOffset.UtcNow));
        standIn._host = await LoopbackHost.StartAsync("ZoomStandIn", standIn.HandleAsync);
        standIn.OAuthBase = standIn._host.BaseUrl;
        return standIn;
    }

    public IReadOnlyList<ZoomRequest> Requests
    {
        get { lock (_gate) return [.. _requests]; }
    }

    public IReadOnlyList<ZoomRequest> TokenRequests => Requests.Where(r => r.IsTokenRequest).ToList();

    public IReadOnlyList<ZoomRequest> ApiRequests => Requests.Where(r => !r.IsTokenRequest).ToList();

    /// <summary>Every access token issued, oldest first.</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get { lock (_gate) return [.. _issued]; }
    }

    public IReadOnlyCollection<long> MeetingIds
    {
        get { lock (_gate) return [.. _meetings.Keys]; }
    }

    public JsonObject? Meeting(long id)
    {
        lock (_gate) return _meetings.TryGetValue(id, out var m) ? (JsonObject)m.DeepClone() : null;
    }

    /// <summary>The host deleted the meeting in Zoom's own app.</summary>
    public void DeleteMeeting(long id)
    {
        lock (_gate) _meetings.Remove(id);
    }

    /// <summary>
    /// The next API call (not the token endpoint) gets this error instead of running. 401 is Zoom's
    /// answer to an expired token (code 124); 500 an outage. Queue several for several calls.
    /// </summary>
    /// <param name="delay">How long Zoom takes to give this answer (to order concurrent calls).</param>
    public void FailNext(int status, TimeSpan delay = default)
    {
        var (code, message) = status switch
        {
            401 => (124, "Access token is expired."),
            429 => (429, "You have reached the maximum per-second rate limit for this API. Try again later."),
            _ => (status, "Internal server error. Please try again later."),
        };
        lock (_gate) _failures.Enqueue((status, code, message, delay));
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync();
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = request.Path.Value ?? "";
        var query = request.QueryString.Value ?? "";

        if (path == "/oauth/token" && TokenDelay > TimeSpan.Zero) await Task.Delay(TokenDelay);

        int status;
        string? json;
        var delay = TimeSpan.Zero;
        lock (_gate)
        {
            try
            {
                (status, json) = path == "/oauth/token"
                    ? Token(request.Method, headers, query, body)
                    : Api(request.Method, path, headers, body, out delay);
            }
            catch (Exception e)
            {
                // A bug in the stand-in itself: say so, rather than look like a Zoom outage.
                (status, json) = ApiError(500, 0, "Stand-in failure: " + e);
            }
            _requests.Add(new ZoomRequest(request.Method, path, query, headers, body, status));
        }
        if (delay > TimeSpan.Zero) await Task.Delay(delay);

        http.Response.StatusCode = status;
        if (json is null) return;
        http.Response.ContentType = "application/json;charset=UTF-8";
        await http.Response.WriteAsync(json);
    }

    private (int, string?) Token(string method, Dictionary<string, string> headers, string query, string body)
    {
        if (method != "POST") return OAuthError(405, "method_not_allowed", "Method Not Allowed");
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
        if (headers.GetValueOrDefault("Authorization") != expected) return OAuthError(401, "invalid_client", "Invalid client_id or client_secret");
        // Zoom documents the fields in the query string and accepts them form-encoded in the body too.
        var fields = QueryHelpers.ParseQuery(query);
        if (headers.GetValueOrDefault("Content-Type")?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            foreach (var (name, value) in QueryHelpers.ParseQuery(body)) fields[name] = value;
        if (fields.GetValueOrDefault("grant_type").ToString() != "account_credentials")
            return OAuthError(400, "unsupported_grant_type", "unsupported grant type");
        if (fields.GetValueOrDefault("account_id").ToString() != AccountId) return OAuthError(400, "invalid_request", "Invalid account_id");

        var token = "eyJzdGFuZC1pbiI6dHJ1ZX0." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _tokens[token] = _now().AddSeconds(TokenSeconds);
        _issued.Add(token);
        return (200, new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "bearer",
            ["expires_in"] = TokenSeconds,
            ["scope"] = "meeting:write:meeting:admin meeting:update:meeting:admin meeting:delete:meeting:admin",
            ["api_url"] = "https://api.zoom.us",
        }.ToJsonString());
    }

    private (int, string?) Api(string method, string path, Dictionary<string, string> headers, string body, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var auth = headers.GetValueOrDefault("Authorization") ?? "";
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(auth["Bearer ".Length..], out var expires))
            return ApiError(401, 124, "Invalid access token.");
        if (_now() >= expires) return ApiError(401, 124, "Access token is expired.");
        if (_failures.TryDequeue(out var failure))
        {
            delay = failure.Delay;
            return ApiError(failure.Status, failure.Code, failure.Message);
        }

        var segments = path.Trim('/').Split('/');
        return (method, segments) switch
        {
            ("POST", ["v2", "users", "me", "meetings"]) => WithJsonBody(headers, body, Create),
            ("PATCH", ["v2", "meetings", var id]) => WithJsonBody(headers, body, b => Update(id, b)),
            ("DELETE", ["v2", "meetings", var id]) => Delete(id),
            ("GET", ["v2", "meetings", var id]) => Get(id),
            _ => ApiError(404, 404, $"Unrecognized request URL ({method}: {path})."),
        };
    }

    private static (int, string?) WithJsonBody(Dictionary<string, string> headers, string body, Func<JsonObject, (int, string?)> then)
    {
        if (headers.GetValueOrDefault("Content-Type")?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return ApiError(400, 300, "Request Body should be a valid JSON object.");
        try
        {
            return JsonNode.Parse(body) is JsonObject o ? then(o) : ApiError(400, 300, "Request Body should be a valid JSON object.");
        }
        catch (JsonException)
        {
            return ApiError(400, 300, "Request Body should be a valid JSON object.");
        }
    }

    private (int, string?) Create(JsonObject body)
    {
        if (Validate(body) is { } invalid) return invalid;
        var id = NextMeetingId++;
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var settings = new JsonObject { ["join_before_host"] = false, ["waiting_room"] = false, ["host_video"] = false };
        if (body["settings"] is JsonObject requested)
            foreach (var (name, value) in requested) settings[name] = value?.DeepClone();
        var meeting = new JsonObject
        {
            ["uuid"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
            // A JSON number, as Zoom sends it: past 2^31, and written exactly even past 2^53.
            ["id"] = id,
            ["host_id"] = "standInHostId",
            ["host_email"] = "host@consulting.test",
            ["topic"] = body["topic"]?.GetValue<string>() ?? "Zoom Meeting",
            ["type"] = body["type"]?.GetValue<int>() ?? 2,
            ["status"] = "waiting",
            ["start_time"] = StartTimeUtc(body) ?? FormatUtc(_now()),
            ["duration"] = body["duration"]?.GetValue<int>() ?? 60,
            ["timezone"] = body["timezone"]?.GetValue<string>() ?? "UTC",
            ["created_at"] = FormatUtc(_now()),
            ["start_url"] = StartUrl(id),
            ["join_url"] = $"https://us05web.zoom.us/j/{id}?pwd={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}",
            ["password"] = password,
            ["settings"] = settings,
            ["pre_schedule"] = false,
        };
        _meetings[id] = meeting;
        return (201, meeting.ToJsonString());
    }

    private (int, string?) Update(string idText, JsonObject body)
    {
        if (!TryFind(idText, out var meeting)) return MeetingMissing(idText);
        if (Validate(body) is { } invalid) return invalid;
        foreach (var name in new[] { "topic", "type", "duration", "timezone" })
            if (body[name] is { } value) meeting[name] = value.DeepClone();
        if (StartTimeUtc(body) is { } start) meeting["start_time"] = start;
        if (body["settings"] is JsonObject settings)
            foreach (var (name, value) in settings) meeting["settings"]![name] = value?.DeepClone();
        return (204, null);
    }

    /// <summary>"Get a meeting": the meeting with a newly issued start_url (Zoom's last two hours).</summary>
    private (int, string?) Get(string idText)
    {
        if (!TryFind(idText, out var meeting)) return MeetingMissing(idText);
        meeting["start_url"] = StartUrl(meeting["id"]!.GetValue<long>());
        return (200, meeting.ToJsonString());
    }

    private static string StartUrl(long id) => $"https://us05web.zoom.us/s/{id}?zak={Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";

    private (int, string?) Delete(string idText) =>
        TryFind(idText, out _) && _meetings.Remove(long.Parse(idText, CultureInfo.InvariantCulture)) ? (204, null) : MeetingMissing(idText);

    private bool TryFind(string idText, out JsonObject meeting)
    {
        meeting = null!;
        return long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && _meetings.TryGetValue(id, out meeting!);
    }

    private static (int, string?) MeetingMissing(string id) => ApiError(404, 3001, $"Meeting does not exist: {id}.");

    /// <summary>Zoom's "Validation Failed." (code 300) for the fields the app sends.</summary>
    private static (int, string?)? Validate(JsonObject body)
    {
        var errors = new JsonArray();
        if (body["topic"] is { } topic && (topic.GetValueKind() != JsonValueKind.String || topic.GetValue<string>().Length > 200))
            errors.Add(FieldError("topic", "Topic must be a string of at most 200 characters."));
        if (body["type"] is { } type && (type.GetValueKind() != JsonValueKind.Number || type.GetValue<int>() is not (1 or 2 or 3 or 8 or 10)))
            errors.Add(FieldError("type", "Invalid meeting type."));
        if (body["duration"] is { } duration && (duration.GetValueKind() != JsonValueKind.Number || duration.GetValue<int>() <= 0))
            errors.Add(FieldError("duration", "Duration must be a positive number of minutes."));
        if (body["timezone"] is { } zone && (zone.GetValueKind() != JsonValueKind.String || DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone.GetValue<string>()) is null))
            errors.Add(FieldError("timezone", "Invalid timezone."));
        if (body["start_time"] is not null && StartTimeUtc(body) is null)
            errors.Add(FieldError("start_time", "Invalid start_time: use yyyy-MM-ddTHH:mm:ssZ (UTC) or yyyy-MM-ddTHH:mm:ss with timezone."));
        if (errors.Count == 0) return null;
        return (400, new JsonObject { ["code"] = 300, ["message"] = "Validation Failed.", ["errors"] = errors }.ToJsonString());
    }

    /// <summary>
    /// Zoom's two start_time forms: "yyyy-MM-ddTHH:mm:ssZ" is UTC; "yyyy-MM-ddTHH:mm:ss" is local
    /// time in the meeting's timezone. Zoom answers with UTC either way.
    /// </summary>
    private static string? StartTimeUtc(JsonObject body)
    {
        if (body["start_time"] is not { } node || node.GetValueKind() != JsonValueKind.String) return null;
        var text = node.GetValue<string>();
        if (InstantPattern.General.Parse(text) is { Success: true } utc) return InstantPattern.General.Format(utc.Value);
        var zone = body["timezone"]?.GetValue<string>() is { } id ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) : null;
        if (zone is null || LocalDateTimePattern.GeneralIso.Parse(text) is not { Success: true } local) return null;
        return InstantPattern.General.Format(zone.AtLeniently(local.Value).ToInstant());
    }

    private static string FormatUtc(DateTimeOffset at) => InstantPattern.General.Format(Instant.FromDateTimeOffset(at));

    private static JsonObject FieldError(string field, string message) => new() { ["field"] = field, ["message"] = message };

    private static (int, string?) ApiError(int status, int code, string message) =>
        (status, new JsonObject { ["code"] = code, ["message"] = message }.ToJsonString());

    private static (int, string?) OAuthError(int status, string error, string reason) =>
        (status, new JsonObject { ["reason"] = reason, ["error"] = error }.ToJsonString());

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
    }
}

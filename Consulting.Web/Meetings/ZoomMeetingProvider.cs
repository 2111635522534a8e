using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Consulting.Web.Domain;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Consulting.Web.Meetings;

/// <summary>
/// Zoom meetings through a Server-to-Server OAuth app: created when a booking is paid, moved on
/// reschedule, deleted on cancel. A typed <see cref="HttpClient"/>; the access token lives in the
/// app-wide <see cref="ZoomAccessTokens"/>, so every instance shares one token.
/// </summary>
public sealed class ZoomMeetingProvider : IMeetingProvider
{
    public const string ProviderName = "zoom";

    // Zoom's meeting types: 2 is "scheduled" (a one-off meeting at start_time).
    private const int ScheduledMeeting = 2;
    // Zoom refuses a topic over 200 characters.
    private const int MaxTopicLength = 200;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly HttpClient _http;
    private readonly ZoomAccessTokens _tokens;
    private readonly ZoomOptions _options;
    private readonly ILogger<ZoomMeetingProvider> _log;

    public ZoomMeetingProvider(HttpClient http, ZoomAccessTokens tokens, IOptions<ZoomOptions> options, ILogger<ZoomMeetingProvider> log)
    {
        if (!options.Value.IsConfigured)
            throw new InvalidOperationException("Zoom:AccountId, Zoom:ClientId and Zoom:ClientSecret must all be set.");
        (_http, _tokens, _options, _log) = (http, tokens, options.Value, log);
    }

    public string Name => ProviderName;

    public async Task<MeetingInfo> CreateAsync(MeetingRequest request, CancellationToken ct)
    {
        var meeting = new NewMeeting(Topic(request), ScheduledMeeting, StartTime(request), request.TimeZoneId, Minutes(request),
            new MeetingSettings(JoinBeforeHost: false, WaitingRoom: true));
        using var response = await SendAsync(HttpMethod.Post, "/users/me/meetings", meeting, "create a meeting", ct);
        await ThrowIfFailedAsync(response, "create a meeting", ct);
        return await ReadCreatedAsync(response, ct);
    }

    public async Task<MeetingInfo> UpdateAsync(MeetingInfo meeting, MeetingRequest request, CancellationToken ct)
    {
        // Another provider's meeting (e.g. a Jitsi room made before Zoom was configured) keeps working as it is.
        if (ZoomId(meeting) is not { } id) return meeting;
        var changes = new MeetingChanges(Topic(request), StartTime(request), request.TimeZoneId, Minutes(request));
        using var response = await SendAsync(HttpMethod.Patch, $"/meetings/{id}", changes, "move the meeting", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted in Zoom (by the host, say): the old link is dead, so the moved session gets a new meeting.
            _log.LogWarning("Zoom meeting {MeetingId} of booking {BookingId} no longer exists; creating a new one", id, request.BookingId);
            return await CreateAsync(request, ct);
        }
        await ThrowIfFailedAsync(response, "move the meeting", ct);
        // Zoom keeps a meeting's id and links when it moves.
        return meeting;
    }

    public async Task DeleteAsync(MeetingInfo meeting, CancellationToken ct)
    {
        if (ZoomId(meeting) is not { } id) return;
        using var response = await SendAsync(HttpMethod.Delete, $"/meetings/{id}", null, "delete the meeting", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone (deleted in Zoom, or our earlier attempt landed): nothing left to do.
            _log.LogInformation("Zoom meeting {MeetingId} was already deleted", id);
            return;
        }
        await ThrowIfFailedAsync(response, "delete the meeting", ct);
    }

    /// <summary>Zoom's "Get a meeting" answers with a newly issued start_url each time.</summary>
    public async Task<string?> HostUrlAsync(MeetingInfo meeting, CancellationToken ct)
    {
        if (ZoomId(meeting) is not { } id) return null;
        using var response = await SendAsync(HttpMethod.Get, $"/meetings/{id}", null, "get the host link", ct);
        await ThrowIfFailedAsync(response, "get the host link", ct);
        string? startUrl;
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            startUrl = Text(doc.RootElement, "start_url");
        }
        catch (JsonException e)
        {
            throw new MeetingProviderException(ProviderName, "Zoom's answer for the host link was not understood.", response.StatusCode, innerException: e);
        }
        if (!Uri.TryCreate(startUrl, UriKind.Absolute, out var start) || start.Scheme != Uri.UriSchemeHttps)
            throw new MeetingProviderException(ProviderName, $"Zoom gave no https host link for meeting {id}.", response.StatusCode);
        return startUrl;
    }

    /// <summary>
    /// Sends with the shared access token. Zoom can reject a token our cache still trusts (revoked,
    /// credentials rotated, clocks apart): then one new token and one retry — a 401 means Zoom did
    /// nothing, so repeating the call is safe.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string what, CancellationToken ct)
    {
        var uri = new Uri(_options.ApiBaseOrDefault + path);
        var json = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json);
        var token = await _tokens.GetAsync(_http, ct);
        var response = await SendOnceAsync(method, uri, json, token, what, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;

        response.Dispose();
        _log.LogInformation("Zoom rejected the access token for {Method} {Path}; fetching a new one and retrying once", method, path);
        _tokens.Reject(token);
        token = await _tokens.GetAsync(_http, ct);
        return await SendOnceAsync(method, uri, json, token, what, ct);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri uri, byte[]? json, string token, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (json is not null)
        {
            request.Content = new ByteArrayContent(json);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        return await SendRawAsync(_http, request, what, ct);
    }

    /// <summary>Network failures and timeouts become <see cref="MeetingProviderException"/>s; the caller's own cancellation stays one.</summary>
    internal static async Task<HttpResponseMessage> SendRawAsync(HttpClient http, HttpRequestMessage request, string what, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new MeetingProviderException(ProviderName, $"Zoom could not be reached to {what}: {e.Message}", innerException: e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new MeetingProviderException(ProviderName, $"Zoom did not answer in time to {what}.", innerException: e);
        }
    }

    /// <summary>
    /// Zoom's errors are JSON: the API's <c>{"code":124,"message":"Invalid access token."}</c>, the
    /// OAuth endpoint's <c>{"reason":"Invalid client_id or client_secret","error":"invalid_client"}</c>.
    /// Only Zoom's explanation goes into the message, never what we sent.
    /// </summary>
    internal static async Task ThrowIfFailedAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        string? code = null, message = null;
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                message = Text(doc.RootElement, "message") ?? Text(doc.RootElement, "reason");
                code = Text(doc.RootElement, "code") ?? Text(doc.RootElement, "error");
            }
        }
        catch (JsonException)
        {
            // An HTML error page from a proxy, say: the status is all we pass on.
        }
        var status = (int)response.StatusCode;
        var explanation = message is { Length: > 0 } ? Truncate(message, 300) : response.ReasonPhrase ?? "no explanation";
        throw new MeetingProviderException(ProviderName,
            $"Zoom refused to {what} (HTTP {status}{(code is null ? "" : $", code {code}")}): {explanation}",
            response.StatusCode, code, response.Headers.RetryAfter?.Delta);
    }

    private static async Task<MeetingInfo> ReadCreatedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        long id;
        string? joinUrl, startUrl;
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = doc.RootElement;
            // Meeting ids are 64-bit (e.g. 85746065432): never through int or double.
            id = root.GetProperty("id") switch
            {
                { ValueKind: JsonValueKind.Number } n => n.GetInt64(),
                { ValueKind: JsonValueKind.String } s => long.Parse(s.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture),
                _ => throw new FormatException("The meeting id is neither a number nor a string."),
            };
            joinUrl = Text(root, "join_url");
            startUrl = Text(root, "start_url");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or OverflowException or InvalidOperationException)
        {
            throw new MeetingProviderException(ProviderName, "Zoom's answer to creating a meeting was not understood.",
                response.StatusCode, innerException: e);
        }
        if (!Uri.TryCreate(joinUrl, UriKind.Absolute, out var join) || join.Scheme != Uri.UriSchemeHttps)
            throw new MeetingProviderException(ProviderName, $"Zoom created meeting {id} without an https join link.", response.StatusCode);
        return new MeetingInfo(ProviderName, id.ToString(CultureInfo.InvariantCulture), joinUrl!, startUrl);
    }

    private static long? ZoomId(MeetingInfo meeting)
    {
        if (meeting.Provider != ProviderName) return null;
        // Checked as a number so a stored id can only ever name a meeting, never another path.
        if (!long.TryParse(meeting.ExternalId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            throw new ArgumentException($"The Zoom meeting id '{meeting.ExternalId}' is not a number.", nameof(meeting));
        return id;
    }

    private static string Topic(MeetingRequest request) => Truncate(request.Topic, MaxTopicLength);

    // The slot's real start as UTC with "Z" (uuuu-MM-ddTHH:mm:ssZ): Zoom takes it as it is, whatever
    // the timezone field says; the timezone only sets how Zoom displays it.
    private static string StartTime(MeetingRequest request) => InstantPattern.General.Format(request.Start);

    // Slots are whole minutes; anything in between rounds up so the meeting never ends early.
    private static int Minutes(MeetingRequest request) => (int)Math.Ceiling(request.Length.TotalMinutes);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private sealed record MeetingSettings(bool JoinBeforeHost, bool WaitingRoom);

    private sealed record NewMeeting(string Topic, int Type, string StartTime, string Timezone, int Duration, MeetingSettings Settings);

    private sealed record MeetingChanges(string Topic, string StartTime, string Timezone, int Duration);
}

/// <summary>
/// The app's Server-to-Server OAuth access token (one per app, shared by every
/// <see cref="ZoomMeetingProvider"/>). Zoom's tokens last an hour; this one is renewed after
/// <see cref="CacheFor"/>, by one caller while the others wait for its result.
/// </summary>
public sealed class ZoomAccessTokens(IOptions<ZoomOptions> options, IClock clock, ILogger<ZoomAccessTokens> log)
{
    /// <summary>Five minutes short of Zoom's hour, for clock skew and calls in flight when it ends.</summary>
    public static readonly Duration CacheFor = Duration.FromMinutes(55);

    private readonly SemaphoreSlim _fetch = new(1, 1);
    private CachedToken? _current;

    internal async Task<string> GetAsync(HttpClient http, CancellationToken ct)
    {
        if (Fresh() is { } cached) return cached;
        await _fetch.WaitAsync(ct);
        try
        {
            // Callers that queued behind a fetch use its token instead of fetching again.
            if (Fresh() is { } fetched) return fetched;
            var requestedAt = clock.GetCurrentInstant();
            var (token, expiresIn) = await FetchAsync(http, ct);
            var lifetime = expiresIn is { } seconds
                ? Duration.Min(CacheFor, Duration.FromSeconds(seconds) - Duration.FromMinutes(1))
                : CacheFor;
            Volatile.Write(ref _current, new CachedToken(token, requestedAt + lifetime));
            return token;
        }
        finally
        {
            _fetch.Release();
        }
    }

    /// <summary>Zoom refused this token: forget it, unless another caller has already replaced it.</summary>
    internal void Reject(string token)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && current.Value == token) Interlocked.CompareExchange(ref _current, null, current);
    }

    private string? Fresh() =>
        Volatile.Read(ref _current) is { } current && clock.GetCurrentInstant() < current.ExpiresAt ? current.Value : null;

    private async Task<(string Token, long? ExpiresIn)> FetchAsync(HttpClient http, CancellationToken ct)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.OAuthBaseOrDefault}/oauth/token")
        {
            // In the body rather than the query string, so the account id stays out of URL logs.
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "account_credentials"),
                new("account_id", settings.AccountId ?? ""),
            ]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.ClientId}:{settings.ClientSecret}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await ZoomMeetingProvider.SendRawAsync(http, request, "issue an access token", ct);
        await ZoomMeetingProvider.ThrowIfFailedAsync(response, "issue an access token", ct);
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var token = doc.RootElement.GetProperty("access_token").GetString();
            if (string.IsNullOrEmpty(token)) throw new FormatException("The access token is empty.");
            long? expiresIn = doc.RootElement.TryGetProperty("expires_in", out var expires) && expires.TryGetInt64(out var seconds) ? seconds : null;
            log.LogInformation("Fetched a Zoom access token, valid for {Seconds} s", expiresIn);
            return (token, expiresIn);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw new MeetingProviderException(ZoomMeetingProvider.ProviderName, "Zoom's access token answer was not understood.",
                response.StatusCode, innerException: e);
        }
    }

    private sealed record CachedToken(string Value, Instant ExpiresAt);
}

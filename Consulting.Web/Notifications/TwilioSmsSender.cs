using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Consulting.Web.Notifications;

/// <summary>
/// Text messages through Twilio's Programmable Messaging REST API: one
/// <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c> per message, form-encoded, with the
/// account's SID and auth token as HTTP Basic credentials. A typed <see cref="HttpClient"/>.
/// </summary>
public sealed partial class TwilioSmsSender : ISmsSender
{
    private readonly HttpClient _http;
    private readonly TwilioOptions _options;
    private readonly ILogger<TwilioSmsSender> _log;

    public TwilioSmsSender(HttpClient http, IOptions<TwilioOptions> options, ILogger<TwilioSmsSender> log)
    {
        if (!options.Value.IsConfigured)
            throw new InvalidOperationException("Twilio:AccountSid, Twilio:AuthToken and Twilio:From must all be set.");
        (_http, _options, _log) = (http, options.Value, log);
    }

    public bool IsEnabled => true;

    /// <summary>E.164: a + and 8–15 digits, the first (the country code's) never 0.</summary>
    public static bool IsE164(string? number) => number is not null && E164().IsMatch(number);

    public async Task SendAsync(string toE164, string body, CancellationToken ct)
    {
        // Refused here rather than by Twilio: no request, and no chance of a message to a misread number.
        if (!IsE164(toE164))
            throw new SmsSendException("The recipient's phone number is not in E.164 form (+ and 8–15 digits, e.g. +14155550123).");
        if (string.IsNullOrWhiteSpace(body)) throw new SmsSendException("An SMS needs a body.");

        var uri = new Uri($"{_options.ApiBaseOrDefault}/2010-04-01/Accounts/{Uri.EscapeDataString(_options.AccountSid!)}/Messages.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new FormUrlEncodedContent(
            [
                new("To", toE164),
                new("From", _options.From!.Trim()),
                new("Body", body),
            ]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.AccountSid}:{_options.AuthToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await SendRawAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw Failure(response.StatusCode, text);
        _log.LogInformation("Twilio accepted SMS {MessageSid} ({Status})", Field(text, "sid") ?? "?", Field(text, "status") ?? "?");
    }

    /// <summary>Network failures and timeouts become transient <see cref="SmsSendException"/>s; the caller's own cancellation stays one.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new SmsSendException($"Twilio could not be reached: {Redact(e.Message)}", isTransient: true, innerException: e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new SmsSendException("Twilio did not answer in time.", isTransient: true, innerException: e);
        }
    }

    /// <summary>
    /// Twilio's errors are JSON: <c>{"code":21211,"message":"…","more_info":"…","status":400}</c>.
    /// Only Twilio's explanation goes into the message, never what we sent.
    /// </summary>
    private SmsSendException Failure(HttpStatusCode status, string text)
    {
        int? code = null;
        string? message = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n)) code = n;
                if (doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) message = m.GetString();
            }
        }
        catch (JsonException)
        {
            // Not Twilio's JSON (a proxy's error page, say): the status alone has to do.
        }
        var what = code is null ? $"HTTP {(int)status}" : $"HTTP {(int)status}, error {code}";
        var explanation = string.IsNullOrWhiteSpace(message) ? "" : ": " + Redact(message);
        // 429 is Twilio's rate limit, 5xx its own trouble; anything else needs a change before it can work.
        var transient = status is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;
        return new SmsSendException($"Twilio refused the SMS ({what}){explanation}", status, code, transient);
    }

    private string Redact(string text) =>
        string.IsNullOrEmpty(_options.AuthToken) ? text : text.Replace(_options.AuthToken, "[redacted]", StringComparison.Ordinal);

    private static string? Field(string json, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v)
                && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\A\+[1-9][0-9]{7,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}

/// <summary>
/// An SMS was not sent: refused before sending (a number that isn't E.164), refused by Twilio, or
/// Twilio could not be reached. Messages carry Twilio's own explanation, never the auth token.
/// </summary>
public sealed class SmsSendException : Exception
{
    public SmsSendException(string message, HttpStatusCode? statusCode = null, int? twilioCode = null,
        bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        TwilioCode = twilioCode;
        IsTransient = isTransient;
    }

    /// <summary>Twilio's HTTP status; null when no request was made or no answer arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Twilio's error code (21211 invalid "To", 20003 bad credentials, 21610 recipient opted out…).</summary>
    public int? TwilioCode { get; }

    /// <summary>No answer, rate-limited or a Twilio server error: the same message may well go through later.</summary>
    public bool IsTransient { get; }
}

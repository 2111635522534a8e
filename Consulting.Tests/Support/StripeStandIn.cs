using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consulting.Tests.Support;

/// <summary>One request the stand-in received: what Stripe.net actually put on the wire.</summary>
public sealed record StripeRequest(
    string Method, string Path, IReadOnlyDictionary<string, string> Headers, IReadOnlyDictionary<string, string> Form,
    bool Replayed)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    public string? Field(string name) => Form.TryGetValue(name, out var value) ? value : null;
    public string? IdempotencyKey => Header("Idempotency-Key");
}

/// <summary>
/// A local stand-in for the parts of Stripe's API the app calls, on a real loopback socket, written
/// from Stripe's API reference: form-encoded requests, JSON objects and errors back.
/// POST /v1/checkout/sessions, POST /v1/checkout/sessions/{id}/expire, POST /v1/refunds.
/// Like Stripe, it replays the saved response for a repeated Idempotency-Key (and refuses the key
/// with other parameters), and never saves a validation error under a key.
/// </summary>
public sealed class StripeStandIn : IAsyncDisposable
{
    private LoopbackHost _host = null!;
    private readonly Func<DateTimeOffset> _now;
    private readonly object _gate = new();
    private readonly List<StripeRequest> _requests = [];
    private readonly Dictionary<string, (string Fingerprint, int Status, string Body)> _idempotent = new(StringComparer.Ordinal);
    private readonly Queue<(int Status, string Type, string? Code, string Message)> _failures = new();
    private readonly ConcurrentDictionary<string, JsonObject> _sessions = new();
    private readonly ConcurrentDictionary<string, JsonObject> _intents = new();
    private readonly ConcurrentDictionary<string, JsonObject> _charges = new();
    private readonly ConcurrentDictionary<string, JsonObject> _refunds = new();

    private StripeStandIn(Func<DateTimeOffset> now) => _now = now;

    public string ApiBase { get; private set; } = "";

    /// <param name="now">Stripe's clock, for the expires_at rule; the tests' fake clock keeps both in step.</param>
    public static async Task<StripeStandIn> StartAsync(Func<DateTimeOffset>? now = null)
    {
        var standIn = new StripeStandIn(now ?? (() => DateTimeOffset.UtcNow));
        standIn._host = await LoopbackHost.StartAsync("StripeStandIn", standIn.HandleAsync);
        standIn.ApiBase = standIn._host.BaseUrl;
        return standIn;
    }

    public IReadOnlyList<StripeRequest> Requests
    {
        get { lock (_gate) return [.. _requests]; }
    }

    public IReadOnlyList<StripeRequest> RequestsTo(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path).ToList();

    public IReadOnlyCollection<JsonObject> Refunds => _refunds.Values.ToList();

    /// <summary>The next call is answered with this Stripe error (and nothing is created or saved).</summary>
    public void FailNext(int status = 400, string type = "invalid_request_error", string message = "Something went wrong.", string? code = null)
    {
        lock (_gate) _failures.Enqueue((status, type, code, message));
    }

    public JsonObject Session(string id) => (JsonObject)_sessions[id].DeepClone();

    /// <summary>
    /// The customer paid on the hosted page: the session completes, with a succeeded PaymentIntent
    /// (carrying payment_intent_data.metadata) and its charge, as Stripe creates them.
    /// Returns the session as a checkout.session.completed event carries it.
    /// </summary>
    public JsonObject CompleteSession(string id)
    {
        var session = _sessions[id];
        var amount = session["amount_total"]!.GetValue<long>();
        var currency = session["currency"]!.GetValue<string>();
        var intentId = NewId("pi");
        var chargeId = NewId("ch");
        var created = _now().ToUnixTimeSeconds();
        _charges[chargeId] = new JsonObject
        {
            ["id"] = chargeId, ["object"] = "charge", ["amount"] = amount, ["amount_captured"] = amount, ["amount_refunded"] = 0L,
            ["captured"] = true, ["created"] = created, ["currency"] = currency, ["livemode"] = false,
            ["metadata"] = new JsonObject(), ["paid"] = true, ["payment_intent"] = intentId, ["refunded"] = false, ["status"] = "succeeded",
        };
        _intents[intentId] = new JsonObject
        {
            ["id"] = intentId, ["object"] = "payment_intent", ["amount"] = amount, ["amount_received"] = amount,
            ["capture_method"] = "automatic", ["created"] = created, ["currency"] = currency, ["last_payment_error"] = null,
            ["latest_charge"] = chargeId, ["livemode"] = false, ["metadata"] = session["_intent_metadata"]!.DeepClone(),
            ["status"] = "succeeded",
        };
        session["status"] = "complete";
        session["payment_status"] = "paid";
        session["payment_intent"] = intentId;
        return Public(session);
    }

    /// <summary>The session's time ran out (as Stripe does at expires_at). Returns it as checkout.session.expired carries it.</summary>
    public JsonObject ExpireSession(string id)
    {
        var session = _sessions[id];
        session["status"] = "expired";
        return Public(session);
    }

    public JsonObject PaymentIntent(string id) => (JsonObject)_intents[id].DeepClone();

    /// <summary>A PaymentIntent whose latest attempt was declined, as payment_intent.payment_failed carries it.</summary>
    public JsonObject DeclinedPaymentIntent(string id)
    {
        var intent = PaymentIntent(id);
        intent["status"] = "requires_payment_method";
        intent["amount_received"] = 0;
        intent["last_payment_error"] = new JsonObject
        {
            ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "generic_decline",
            ["message"] = "Your card was declined.",
        };
        return intent;
    }

    public JsonObject Charge(string id) => (JsonObject)_charges[id].DeepClone();

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
            foreach (var (name, value) in await request.ReadFormAsync()) form[name] = value.ToString();
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var key = request.Headers["Idempotency-Key"].ToString();
        var fingerprint = $"{request.Method} {request.Path}?{string.Join('&', form.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"))}";

        int status;
        string body;
        bool replayed = false;
        lock (_gate)
        {
            if (key.Length > 0 && _idempotent.TryGetValue(key, out var saved))
            {
                replayed = saved.Fingerprint == fingerprint;
                (status, body) = replayed
                    ? (saved.Status, saved.Body)
                    : Error(400, "idempotency_error", null,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
                        "Try using a key other than '" + key + "' if you meant to execute a different request.");
            }
            else if (!headers.TryGetValue("Authorization", out var auth) || !auth.StartsWith("Bearer sk_", StringComparison.Ordinal))
            {
                (status, body) = Error(401, "invalid_request_error", null, "You did not provide an API key.");
            }
            else if (_failures.TryDequeue(out var failure))
            {
                (status, body) = Error(failure.Status, failure.Type, failure.Code, failure.Message);
            }
            else
            {
                try
                {
                    (status, body) = Route(request.Method, request.Path.Value ?? "", form);
                }
                catch (Exception e)
                {
                    // A bug in the stand-in itself: say so, rather than look like a Stripe outage.
                    (status, body) = Error(500, "api_error", "stand_in_failure", e.ToString());
                }
                // Stripe saves the result once the endpoint has run; validation errors are not saved.
                if (key.Length > 0 && status is < 400 or >= 500) _idempotent[key] = (fingerprint, status, body);
            }
            _requests.Add(new StripeRequest(request.Method, request.Path.Value ?? "", headers, form, replayed));
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.Headers["Request-Id"] = NewId("req");
        if (replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        if (status == 400) http.Response.Headers["Stripe-Should-Retry"] = "false";
        await http.Response.WriteAsync(body);
    }

    private (int, string) Route(string method, string path, Dictionary<string, string> form)
    {
        var segments = path.Trim('/').Split('/');
        return (method, segments) switch
        {
            ("POST", ["v1", "checkout", "sessions"]) => CreateSession(form),
            ("POST", ["v1", "checkout", "sessions", var id, "expire"]) => ExpireSessionRequest(id),
            ("POST", ["v1", "refunds"]) => CreateRefund(form),
            _ => Error(404, "invalid_request_error", null, $"Unrecognized request URL ({method}: {path})."),
        };
    }

    private (int, string) CreateSession(Dictionary<string, string> form)
    {
        if (form.GetValueOrDefault("mode") is not ("payment" or "setup" or "subscription"))
            return Error(400, "invalid_request_error", "parameter_missing", "Missing required param: mode.", "mode");
        if (!form.ContainsKey("success_url"))
            return Error(400, "invalid_request_error", "parameter_missing", "Missing required param: success_url.", "success_url");
        if (!long.TryParse(form.GetValueOrDefault("line_items[0][price_data][unit_amount]"), out var unitAmount)
            || !long.TryParse(form.GetValueOrDefault("line_items[0][quantity]"), out var quantity))
            return Error(400, "invalid_request_error", "parameter_missing", "Missing required param: line_items[0][price_data][unit_amount].", "line_items");
        var now = _now().ToUnixTimeSeconds();
        var expiresAt = now + 24 * 3600;
        if (form.TryGetValue("expires_at", out var expires))
        {
            expiresAt = long.Parse(expires);
            if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600)
                return Error(400, "invalid_request_error", null,
                    "The `expires_at` timestamp must be at least 30 minutes and less than 24 hours from Checkout Session creation.", "expires_at");
        }

        var id = NewId("cs_test");
        var session = new JsonObject
        {
            ["id"] = id, ["object"] = "checkout.session",
            ["amount_subtotal"] = unitAmount * quantity, ["amount_total"] = unitAmount * quantity,
            ["cancel_url"] = form.GetValueOrDefault("cancel_url"),
            ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
            ["created"] = now,
            ["currency"] = form.GetValueOrDefault("line_items[0][price_data][currency]")?.ToLowerInvariant(),
            ["customer_email"] = form.GetValueOrDefault("customer_email"),
            ["expires_at"] = expiresAt, ["livemode"] = false,
            ["metadata"] = Nested(form, "metadata"),
            ["mode"] = form["mode"],
            // Current API versions create the PaymentIntent when the customer pays, not here.
            ["payment_intent"] = null,
            ["payment_status"] = "unpaid", ["status"] = "open",
            ["success_url"] = form["success_url"],
            ["url"] = $"https://checkout.stripe.com/c/pay/{id}",
            ["_intent_metadata"] = Nested(form, "payment_intent_data[metadata]"),
        };
        _sessions[id] = session;
        return (200, Public(session).ToJsonString());
    }

    private (int, string) ExpireSessionRequest(string id)
    {
        if (!_sessions.TryGetValue(id, out var session))
            return Error(404, "invalid_request_error", "resource_missing", $"No such checkout.session: '{id}'", "session");
        var state = session["status"]!.GetValue<string>();
        if (state != "open")
            return Error(400, "invalid_request_error", null,
                $"Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of `{state}`.");
        session["status"] = "expired";
        return (200, Public(session).ToJsonString());
    }

    private (int, string) CreateRefund(Dictionary<string, string> form)
    {
        JsonObject? charge = null;
        if (form.TryGetValue("payment_intent", out var intentId))
        {
            if (!_intents.TryGetValue(intentId, out var intent))
                return Error(400, "invalid_request_error", "resource_missing", $"No such payment_intent: '{intentId}'", "payment_intent");
            charge = _charges[intent["latest_charge"]!.GetValue<string>()];
        }
        else if (form.TryGetValue("charge", out var chargeId))
        {
            if (!_charges.TryGetValue(chargeId, out charge))
                return Error(400, "invalid_request_error", "resource_missing", $"No such charge: '{chargeId}'", "charge");
        }
        else
        {
            return Error(400, "invalid_request_error", "parameter_missing", "One of the following params should be provided for this request: payment_intent or charge.");
        }

        var amount = charge["amount"]!.GetValue<long>();
        var refunded = charge["amount_refunded"]!.GetValue<long>();
        if (refunded >= amount)
            return Error(400, "invalid_request_error", "charge_already_refunded", $"Charge {charge["id"]} has already been refunded.");
        var requested = form.TryGetValue("amount", out var a) ? long.Parse(a) : amount - refunded;
        if (requested > amount - refunded)
            return Error(400, "invalid_request_error", "amount_too_large",
                $"Refund amount ({requested}) is greater than unrefunded amount on charge ({amount - refunded})", "amount");

        charge["amount_refunded"] = refunded + requested;
        charge["refunded"] = refunded + requested == amount;
        var id = NewId("re");
        var refund = new JsonObject
        {
            ["id"] = id, ["object"] = "refund", ["amount"] = requested, ["charge"] = charge["id"]!.GetValue<string>(),
            ["created"] = _now().ToUnixTimeSeconds(), ["currency"] = charge["currency"]!.GetValue<string>(),
            ["metadata"] = Nested(form, "metadata"), ["payment_intent"] = charge["payment_intent"]?.GetValue<string>(),
            ["reason"] = null, ["status"] = "succeeded",
        };
        _refunds[id] = refund;
        return (200, refund.ToJsonString());
    }

    /// <summary>"metadata[booking_id]=…" form fields back into a JSON object.</summary>
    private static JsonObject Nested(Dictionary<string, string> form, string prefix)
    {
        var result = new JsonObject();
        foreach (var (key, value) in form)
            if (key.StartsWith(prefix + "[", StringComparison.Ordinal) && key.EndsWith(']') && key.IndexOf('[', prefix.Length + 1) < 0)
                result[key[(prefix.Length + 1)..^1]] = value;
        return result;
    }

    /// <summary>The object as the API shows it (without the stand-in's own bookkeeping fields).</summary>
    private static JsonObject Public(JsonObject o)
    {
        var copy = (JsonObject)o.DeepClone();
        foreach (var name in copy.Select(p => p.Key).Where(k => k.StartsWith('_')).ToList()) copy.Remove(name);
        return copy;
    }

    private static (int, string) Error(int status, string type, string? code, string message, string? param = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null) error["code"] = code;
        if (param is not null) error["param"] = param;
        return (status, new JsonObject { ["error"] = error }.ToJsonString());
    }

    private static string NewId(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
    }
}

/// <summary>
/// Webhook events as Stripe sends them: the event envelope around an API object, and the
/// <c>Stripe-Signature</c> header <c>t={timestamp},v1={HMAC-SHA256(secret, "{timestamp}.{payload}")}</c>.
/// </summary>
public static class StripeWebhookPayloads
{
    /// <summary>An event JSON with the API version Stripe.net is pinned to (as the webhook endpoint would be created).</summary>
    public static string Event(string type, JsonObject dataObject, long createdUnixSeconds, string? id = null,
        string? apiVersion = null) =>
        new JsonObject
        {
            ["id"] = id ?? NewEventId(),
            ["object"] = "event",
            ["api_version"] = apiVersion ?? Stripe.StripeConfiguration.ApiVersion,
            ["created"] = createdUnixSeconds,
            ["data"] = new JsonObject { ["object"] = dataObject.DeepClone() },
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        }.ToJsonString();

    public static string NewEventId() => $"evt_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    public static string Signature(string payload, string secret, long timestampUnixSeconds)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestampUnixSeconds}.{payload}"));
        return $"t={timestampUnixSeconds},v1={Convert.ToHexStringLower(mac)}";
    }

    public static HttpRequestMessage Request(string payload, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (signature is not null) request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        return request;
    }

    public static string Id(string payload) => JsonNode.Parse(payload)!["id"]!.GetValue<string>();
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Consulting.Web.Calendar;

/// <summary>What fetching a calendar address gave.</summary>
public abstract record FetchResult
{
    public sealed record Fetched(string Text, string? ETag, string? LastModified) : FetchResult;
    /// <summary>304: nothing changed since the validators sent.</summary>
    public sealed record NotModified : FetchResult;
    /// <summary>The problem, in words for the specialist (never the address itself).</summary>
    public sealed record Failed(string Problem) : FetchResult;
}

/// <summary>The address can't be used at all (scheme, host); said to the specialist when adding it.</summary>
public sealed class CalendarAddressException(string message) : Exception(message);

/// <summary>
/// Fetches a calendar address the way a careful calendar client does: http/https only, a conditional
/// GET, a timeout, a size cap, and redirects followed by hand (at most five), each checked again. The
/// check against private networks (SSRF) sits in the connection itself (<see cref="ConnectAsync"/>):
/// it runs on the address DNS actually gave, for the first request and every redirect alike, so a
/// public name that resolves to 10.0.0.5 or 169.254.169.254 is refused too.
/// </summary>
public sealed class CalendarFetcher(HttpClient http, IOptions<ExternalCalendarOptions> options, ILogger<CalendarFetcher> log)
{
    private static readonly HttpRequestOptionsKey<bool> CalendarFetchOption = new("consulting.calendar-fetch");

    /// <summary>A request of this fetcher: its URL holds a secret, so telemetry leaves it out.</summary>
    public static bool IsCalendarFetch(HttpRequestMessage request) =>
        request.Options.TryGetValue(CalendarFetchOption, out var isFetch) && isFetch;
    private const int MaxRedirects = 5;

    /// <summary>Checks what can be checked without the network; throws <see cref="CalendarAddressException"/>.</summary>
    public static Uri Parse(string? address)
    {
        var text = (address ?? "").Trim();
        // webcal:// is how calendar apps link a subscription; it is plain http(s) underneath.
        if (text.StartsWith("webcal://", StringComparison.OrdinalIgnoreCase)) text = "https://" + text["webcal://".Length..];
        if (text.Length == 0) throw new CalendarAddressException("Paste the calendar’s address (it starts with https://).");
        if (text.Length > Domain.ExternalCalendar.MaxAddressLength) throw new CalendarAddressException("That address is too long.");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new CalendarAddressException("Enter an http or https address, like https://calendar.google.com/calendar/ical/…/basic.ics.");
        if (uri.Host.Length == 0) throw new CalendarAddressException("That address has no host.");
        if (!string.IsNullOrEmpty(uri.UserInfo)) throw new CalendarAddressException("Addresses with a user name or password in them aren’t supported.");
        return uri;
    }

    public async Task<FetchResult> FetchAsync(string address, string? etag, string? lastModified, CancellationToken ct)
    {
        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        Uri uri;
        try
        {
            uri = Parse(address);
        }
        catch (CalendarAddressException e)
        {
            return new FetchResult.Failed(e.Message);
        }
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Options.Set(CalendarFetchOption, true);
                request.Headers.Accept.ParseAdd("text/calendar, */*;q=0.5");
                if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag)) request.Headers.IfNoneMatch.Add(tag);
                if (lastModified is not null && DateTimeOffset.TryParse(lastModified, System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AssumeUniversal, out var since))
                    request.Headers.IfModifiedSince = since;
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && status != 304)
                {
                    if (hop >= MaxRedirects) return new FetchResult.Failed("The address redirects too many times.");
                    if (response.Headers.Location is not { } location) return new FetchResult.Failed("The address redirects nowhere.");
                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                        return new FetchResult.Failed("The address redirects to something that isn’t an http or https address.");
                    uri = next;
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.NotModified) return new FetchResult.NotModified();
                if (!response.IsSuccessStatusCode) return new FetchResult.Failed(Describe(response.StatusCode));
                if (response.Content.Headers.ContentLength > settings.MaxBytes) return TooLarge(settings);
                var text = await ReadCappedAsync(response.Content, settings.MaxBytes, timeout.Token);
                if (text is null) return TooLarge(settings);
                return new FetchResult.Fetched(text, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"));
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new FetchResult.Failed($"The calendar server didn’t answer within {settings.TimeoutSeconds} seconds.");
        }
        catch (HttpRequestException e) when (e.InnerException is PrivateAddressException)
        {
            return new FetchResult.Failed("The address leads to a private or local network, which isn’t allowed.");
        }
        catch (HttpRequestException e)
        {
            // The message may carry the host, never the secret path: log the kind of failure only.
            log.LogInformation("Fetching a calendar from {Host} failed: {Error}", uri.Host, e.HttpRequestError);
            return new FetchResult.Failed(e.HttpRequestError == HttpRequestError.NameResolutionError
                ? "The calendar server’s name wasn’t found. Check the address."
                : "The calendar server couldn’t be reached.");
        }
    }

    private static FetchResult TooLarge(ExternalCalendarOptions settings) =>
        new FetchResult.Failed($"The calendar is larger than {settings.MaxBytes / (1024 * 1024.0):0.#} MB, more than is read.");

    private static string Describe(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
            $"The calendar server refused access ({(int)status}). The address may have been reset: copy the private address again.",
        HttpStatusCode.NotFound or HttpStatusCode.Gone =>
            $"The calendar server says there is no calendar at this address ({(int)status}).",
        _ => $"The calendar server answered with an error ({(int)status}).",
    };

    /// <summary>The body as text, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    private static async Task<string?> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        var charset = content.Headers.ContentType?.CharSet;
        var encoding = System.Text.Encoding.UTF8;
        try
        {
            if (!string.IsNullOrEmpty(charset)) encoding = System.Text.Encoding.GetEncoding(charset.Trim('"'));
        }
        catch (ArgumentException)
        {
            // An unknown charset: iCalendar is UTF-8 by default (RFC 5545 §3.1.4).
        }
        return encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The handler every fetch goes through: no automatic redirects, no cookies, the network check on connect.</summary>
    public static SocketsHttpHandler CreateHandler(IOptions<ExternalCalendarOptions> options) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = (context, ct) => ConnectAsync(context, options.Value.AllowPrivateAddresses, ct),
    };

    /// <summary>Resolves the host and connects only to an allowed address of it.</summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(a => allowPrivate || IsPublic(a)).ToList();
        if (allowed.Count == 0) throw new PrivateAddressException();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed.ToArray(), context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>False for loopback, private (RFC 1918), CGNAT, link-local, unique-local, multicast and unspecified addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.IPv6None)) return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
                || (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b) // NAT64 can reach private IPv4
                || (bytes[0] == 0x20 && bytes[1] == 0x02)); // 6to4 embeds an IPv4 address
        }
        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 127 || b[0] == 0
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            || (b[0] == 192 && b[1] == 0 && b[2] == 0)
            || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
            || b[0] >= 224);
    }

    private sealed class PrivateAddressException() : Exception("The address is on a private or local network.");
}

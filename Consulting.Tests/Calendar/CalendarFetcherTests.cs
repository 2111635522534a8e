using System.Net;
using Consulting.Web.Calendar;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Consulting.Tests.Calendar;

/// <summary>
/// Fetching calendar addresses against a loopback server: the failures a specialist must be told
/// about, the conditional GET, and the SSRF rules with <c>ExternalCalendars:AllowPrivateAddresses</c>
/// off (the default), where loopback, private and link-local addresses are refused on connect.
/// </summary>
[NoDatabase]
public sealed class CalendarFetcherTests : IAsyncLifetime
{
    private CalendarServer _server = null!;

    public async Task InitializeAsync() => _server = await CalendarServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static CalendarFetcher Fetcher(bool allowPrivate = true, int timeoutSeconds = 20, int maxBytes = 5 * 1024 * 1024,
        Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        var options = Options.Create(new ExternalCalendarOptions
        {
            AllowPrivateAddresses = allowPrivate, TimeoutSeconds = timeoutSeconds, MaxBytes = maxBytes,
        });
        HttpMessageHandler handler = CalendarFetcher.CreateHandler(options);
        if (wrap is not null) handler = wrap(handler);
        return new CalendarFetcher(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }, options, NullLogger<CalendarFetcher>.Instance);
    }

    private static string ProblemOf(FetchResult result) => Assert.IsType<FetchResult.Failed>(result).Problem;

    [Fact]
    public async Task A_calendar_is_fetched_and_a_repeat_with_its_ETag_is_not_modified()
    {
        var fetcher = Fetcher();
        var first = Assert.IsType<FetchResult.Fetched>(await fetcher.FetchAsync(_server.Url("google.ics"), null, null, default));
        Assert.StartsWith("BEGIN:VCALENDAR", first.Text);
        Assert.NotNull(first.ETag);
        Assert.IsType<FetchResult.NotModified>(await fetcher.FetchAsync(_server.Url("google.ics"), first.ETag, null, default));
        Assert.Equal(1, _server.NotModifiedCount);
    }

    [Fact]
    public async Task A_404_says_there_is_no_calendar_there()
    {
        _server.Override = c => { c.Response.StatusCode = 404; return Task.CompletedTask; };
        Assert.Contains("no calendar at this address (404)", ProblemOf(await Fetcher().FetchAsync(_server.Url("x.ics"), null, null, default)));
    }

    [Fact]
    public async Task A_401_says_access_was_refused()
    {
        _server.Override = c => { c.Response.StatusCode = 401; return Task.CompletedTask; };
        Assert.Contains("refused access (401)", ProblemOf(await Fetcher().FetchAsync(_server.Url("x.ics"), null, null, default)));
    }

    [Fact]
    public async Task A_slow_server_times_out()
    {
        _server.Override = async c => { await Task.Delay(TimeSpan.FromSeconds(10), c.RequestAborted); };
        Assert.Contains("didn’t answer within 1 seconds", ProblemOf(await Fetcher(timeoutSeconds: 1).FetchAsync(_server.Url("x.ics"), null, null, default)));
    }

    [Fact]
    public async Task A_file_over_the_size_cap_is_refused_with_or_without_a_length()
    {
        _server.Override = async c =>
        {
            c.Response.ContentType = "text/calendar";
            // Written in pieces and flushed: chunked, so no Content-Length tells the size up front.
            for (var i = 0; i < 4; i++)
            {
                await c.Response.WriteAsync("BEGIN:VCALENDAR\r\n" + new string('X', 1000));
                await c.Response.Body.FlushAsync();
            }
        };
        Assert.Contains("larger than", ProblemOf(await Fetcher(maxBytes: 2048).FetchAsync(_server.Url("x.ics"), null, null, default)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/ics/google.ics")]
    [InlineData("http://localhost:{port}/ics/google.ics")]
    [InlineData("http://10.20.30.40/calendar.ics")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:{port}/ics/google.ics")]
    public async Task Private_loopback_and_link_local_addresses_are_refused_by_default(string address)
    {
        var url = address.Replace("{port}", new Uri(_server.BaseUrl).Port.ToString());
        Assert.Contains("private or local network", ProblemOf(await Fetcher(allowPrivate: false).FetchAsync(url, null, null, default)));
        Assert.Empty(_server.IfNoneMatchSeen);
    }

    [Fact]
    public async Task A_redirect_from_a_public_address_to_loopback_is_refused()
    {
        // The first hop stands in for a public server (no network here) answering with a redirect to loopback.
        var fetcher = Fetcher(allowPrivate: false, wrap: inner => new PublicHop(inner, _server.Url("google.ics")));
        Assert.Contains("private or local network", ProblemOf(await fetcher.FetchAsync("https://calendar.example.com/secret/basic.ics", null, null, default)));
        Assert.Empty(_server.IfNoneMatchSeen);
    }

    [Fact]
    public async Task Redirects_to_allowed_addresses_are_followed()
    {
        _server.Override = c =>
        {
            if (c.Request.Path == "/moved")
            {
                _server.Override = null;
                c.Response.Redirect("/ics/all-day.ics");
            }
            else c.Response.Redirect("/moved");
            return Task.CompletedTask;
        };
        var fetched = Assert.IsType<FetchResult.Fetched>(await Fetcher().FetchAsync(_server.BaseUrl + "/start", null, null, default));
        Assert.Contains("Dentist", fetched.Text);
    }

    [Theory]
    [InlineData("ftp://example.com/cal.ics")]
    [InlineData("file:///etc/passwd")]
    [InlineData("not an address")]
    public void Only_http_and_https_addresses_are_accepted(string address) =>
        Assert.Throws<CalendarAddressException>(() => CalendarFetcher.Parse(address));

    [Fact]
    public void Webcal_addresses_are_read_as_https() =>
        Assert.Equal("https://p01-caldav.icloud.com/published/2/abc", CalendarFetcher.Parse("webcal://p01-caldav.icloud.com/published/2/abc").AbsoluteUri);

    /// <summary>Answers the first request with a redirect to <paramref name="target"/>; later ones go to the real handler.</summary>
    private sealed class PublicHop(HttpMessageHandler inner, string target) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.RequestUri!.Host != "calendar.example.com") return base.SendAsync(request, ct);
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri(target);
            return Task.FromResult(response);
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Meetings;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;

namespace Consulting.Tests.Meetings;

/// <summary>What <see cref="ZoomMeetingProvider"/> puts on the wire, checked at a local Zoom stand-in.</summary>
public sealed class ZoomMeetingProviderTests : IAsyncLifetime
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 2, 12, 0);
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private const string Topic = "Consulting session: Maya Chen and Ada Lovelace";

    private readonly FakeClock _clock = new(Now);
    private readonly HttpClient _http = new();
    private ZoomStandIn _zoom = null!;
    private ZoomMeetingProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _zoom = await ZoomStandIn.StartAsync(() => _clock.GetCurrentInstant().ToDateTimeOffset());
        _provider = Provider();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _zoom.DisposeAsync();
    }

    private ZoomMeetingProvider Provider(string secret = ZoomStandIn.ClientSecret)
    {
        var options = Options.Create(new ZoomOptions
        {
            AccountId = ZoomStandIn.AccountId, ClientId = ZoomStandIn.ClientId, ClientSecret = secret,
            ApiBase = _zoom.ApiBase, OAuthBase = _zoom.OAuthBase,
        });
        return new ZoomMeetingProvider(_http, new ZoomAccessTokens(options, _clock, NullLogger<ZoomAccessTokens>.Instance),
            options, NullLogger<ZoomMeetingProvider>.Instance);
    }

    /// <summary>A session booked at a wall-clock time in New York, as the specialist set it up.</summary>
    private static MeetingRequest SessionAt(int year, int month, int day, int hour, int minute = 0, int minutes = 60) =>
        new(Guid.NewGuid(), Topic, NewYork.AtStrictly(new LocalDateTime(year, month, day, hour, minute)).ToInstant(),
            Duration.FromMinutes(minutes), "America/New_York");

    private static void AssertSecretsAbsent(string text, IEnumerable<string> tokens)
    {
        Assert.DoesNotContain(ZoomStandIn.ClientSecret, text);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ZoomStandIn.ClientId}:{ZoomStandIn.ClientSecret}")), text);
        foreach (var token in tokens) Assert.DoesNotContain(token, text);
    }

    [Fact]
    public async Task The_first_call_gets_an_account_credentials_token_with_basic_auth_and_uses_it_as_bearer()
    {
        await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);

        var tokenRequest = Assert.Single(_zoom.TokenRequests);
        Assert.Equal("POST", tokenRequest.Method);
        Assert.StartsWith("application/x-www-form-urlencoded", tokenRequest.Header("Content-Type"));
        Assert.Equal("account_credentials", tokenRequest.Form["grant_type"]);
        Assert.Equal(ZoomStandIn.AccountId, tokenRequest.Form["account_id"]);
        // Credentials only in the Basic header and the account id only in the body: none of it in the URL.
        Assert.Equal("", tokenRequest.Query);
        Assert.Equal(
            "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ZoomStandIn.ClientId}:{ZoomStandIn.ClientSecret}")),
            tokenRequest.Header("Authorization"));

        var create = Assert.Single(_zoom.ApiRequests);
        Assert.Equal($"Bearer {Assert.Single(_zoom.IssuedTokens)}", create.Header("Authorization"));
    }

    // America/New_York leaves DST at 02:00 on 2026-11-01: on 26 October 09:00 is EDT (UTC−4),
    // on 9 November it is EST (UTC−5).
    [Theory]
    [InlineData(2026, 11, 9, "2026-11-09T14:00:00Z")]
    [InlineData(2026, 10, 26, "2026-10-26T13:00:00Z")]
    public async Task A_meeting_is_created_at_the_slots_real_start_in_UTC_with_the_specialists_zone_and_length(
        int year, int month, int day, string expectedStart)
    {
        var meeting = await _provider.CreateAsync(SessionAt(year, month, day, 9), default);

        var sent = Assert.Single(_zoom.ApiRequests);
        Assert.Equal(("POST", "/v2/users/me/meetings", 201), (sent.Method, sent.Path, sent.Status));
        Assert.StartsWith("application/json", sent.Header("Content-Type"));
        var body = sent.Json;
        Assert.Equal(Topic, body["topic"]!.GetValue<string>());
        Assert.Equal(2, body["type"]!.GetValue<int>());
        Assert.Equal(expectedStart, body["start_time"]!.GetValue<string>());
        Assert.Equal("America/New_York", body["timezone"]!.GetValue<string>());
        Assert.Equal(60, body["duration"]!.GetValue<int>());
        Assert.False(body["settings"]!["join_before_host"]!.GetValue<bool>());
        Assert.True(body["settings"]!["waiting_room"]!.GetValue<bool>());

        var created = _zoom.Meeting(long.Parse(meeting.ExternalId!))!;
        Assert.Equal(expectedStart, created["start_time"]!.GetValue<string>());
        Assert.Equal("zoom", meeting.Provider);
        Assert.Equal(created["join_url"]!.GetValue<string>(), meeting.JoinUrl);
        Assert.Equal(created["start_url"]!.GetValue<string>(), meeting.HostUrl);
    }

    // 85746065432 is past int's range; 2^53 + 1 is the first integer a double can't hold.
    [Theory]
    [InlineData(85_746_065_432L)]
    [InlineData(9_007_199_254_740_993L)]
    public async Task Zooms_64_bit_meeting_ids_round_trip_exactly(long zoomId)
    {
        _zoom.NextMeetingId = zoomId;

        var meeting = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);
        await _provider.UpdateAsync(meeting, SessionAt(2026, 11, 10, 9), default);
        await _provider.DeleteAsync(meeting, default);

        Assert.Equal(zoomId.ToString(), meeting.ExternalId);
        Assert.Equal(
            [("POST", "/v2/users/me/meetings", 201), ("PATCH", $"/v2/meetings/{zoomId}", 204), ("DELETE", $"/v2/meetings/{zoomId}", 204)],
            _zoom.ApiRequests.Select(r => (r.Method, r.Path, r.Status)));
    }

    [Fact]
    public async Task Rescheduling_moves_the_meeting_and_keeps_its_link()
    {
        var meeting = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);

        var moved = await _provider.UpdateAsync(meeting, SessionAt(2026, 11, 10, 15, 30, minutes: 90), default);

        var patch = _zoom.ApiRequests[^1];
        Assert.Equal(("PATCH", $"/v2/meetings/{meeting.ExternalId}", 204), (patch.Method, patch.Path, patch.Status));
        Assert.StartsWith("application/json", patch.Header("Content-Type"));
        var body = patch.Json;
        // 15:30 EST is 20:30 UTC.
        Assert.Equal("2026-11-10T20:30:00Z", body["start_time"]!.GetValue<string>());
        Assert.Equal("America/New_York", body["timezone"]!.GetValue<string>());
        Assert.Equal(90, body["duration"]!.GetValue<int>());
        Assert.Equal(Topic, body["topic"]!.GetValue<string>());

        Assert.Equal((meeting.Provider, meeting.ExternalId, meeting.JoinUrl, meeting.HostUrl),
            (moved.Provider, moved.ExternalId, moved.JoinUrl, moved.HostUrl));
        var atZoom = _zoom.Meeting(long.Parse(meeting.ExternalId!))!;
        Assert.Equal("2026-11-10T20:30:00Z", atZoom["start_time"]!.GetValue<string>());
        Assert.Equal(90, atZoom["duration"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_meeting_deleted_in_Zoom_is_created_again_when_the_session_moves()
    {
        var meeting = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);
        _zoom.DeleteMeeting(long.Parse(meeting.ExternalId!));

        var moved = await _provider.UpdateAsync(meeting, SessionAt(2026, 11, 10, 9), default);

        Assert.Equal([("POST", 201), ("PATCH", 404), ("POST", 201)], _zoom.ApiRequests.Select(r => (r.Method, r.Status)));
        Assert.NotEqual(meeting.ExternalId, moved.ExternalId);
        Assert.NotEqual(meeting.JoinUrl, moved.JoinUrl);
        Assert.Equal("2026-11-10T14:00:00Z", _zoom.Meeting(long.Parse(moved.ExternalId!))!["start_time"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancelling_deletes_the_meeting_at_Zoom()
    {
        var meeting = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);

        await _provider.DeleteAsync(meeting, default);

        var delete = _zoom.ApiRequests[^1];
        Assert.Equal(("DELETE", $"/v2/meetings/{meeting.ExternalId}", 204), (delete.Method, delete.Path, delete.Status));
        Assert.Empty(_zoom.MeetingIds);
    }

    [Fact]
    public async Task Deleting_a_meeting_that_is_already_gone_counts_as_done()
    {
        var meeting = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);
        await _provider.DeleteAsync(meeting, default);

        await _provider.DeleteAsync(meeting, default);

        Assert.Equal([204, 404], _zoom.ApiRequests.Where(r => r.Method == "DELETE").Select(r => r.Status));
    }

    [Fact]
    public async Task Meetings_of_another_provider_are_left_alone()
    {
        var jitsi = new MeetingInfo("jitsi", null, "https://meet.jit.si/Consulting-0123456789abcdef", null);

        var moved = await _provider.UpdateAsync(jitsi, SessionAt(2026, 11, 10, 9), default);
        await _provider.DeleteAsync(jitsi, default);

        Assert.Same(jitsi, moved);
        Assert.Null(await _provider.HostUrlAsync(jitsi, default));
        Assert.Empty(_zoom.Requests);
    }

    [Fact]
    public async Task The_host_link_is_asked_of_Zoom_when_needed_since_the_one_from_creation_expires()
    {
        var meeting = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);
        _clock.AdvanceDays(6);

        var first = await _provider.HostUrlAsync(meeting, default);
        var second = await _provider.HostUrlAsync(meeting, default);

        Assert.Equal([("GET", $"/v2/meetings/{meeting.ExternalId}", 200), ("GET", $"/v2/meetings/{meeting.ExternalId}", 200)],
            _zoom.ApiRequests.Skip(1).Select(r => (r.Method, r.Path, r.Status)));
        Assert.StartsWith($"https://us05web.zoom.us/s/{meeting.ExternalId}?zak=", first);
        Assert.NotEqual(meeting.HostUrl, first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_host_link_for_a_meeting_deleted_in_Zoom_is_a_MeetingProviderException()
    {
        var meeting = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);
        _zoom.DeleteMeeting(long.Parse(meeting.ExternalId!));

        var e = await Assert.ThrowsAsync<MeetingProviderException>(() => _provider.HostUrlAsync(meeting, default));

        Assert.Equal($"Zoom refused to get the host link (HTTP 404, code 3001): Meeting does not exist: {meeting.ExternalId}.", e.Message);
    }

    [Fact]
    public async Task The_token_is_reused_for_55_minutes_and_fetched_again_after()
    {
        var meeting = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);
        _clock.Advance(Duration.FromMinutes(54) + Duration.FromSeconds(59));
        await _provider.UpdateAsync(meeting, SessionAt(2026, 11, 10, 9), default);
        Assert.Single(_zoom.TokenRequests);

        _clock.Advance(Duration.FromSeconds(1));
        await _provider.UpdateAsync(meeting, SessionAt(2026, 11, 11, 9), default);

        Assert.Equal(2, _zoom.TokenRequests.Count);
        var tokens = _zoom.IssuedTokens;
        Assert.Equal(
            [$"Bearer {tokens[0]}", $"Bearer {tokens[0]}", $"Bearer {tokens[1]}"],
            _zoom.ApiRequests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Concurrent_calls_share_one_token_fetch()
    {
        _zoom.TokenDelay = TimeSpan.FromMilliseconds(300);

        var meetings = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => _provider.CreateAsync(SessionAt(2026, 11, 9, 9 + i), default))));

        Assert.Single(_zoom.TokenRequests);
        Assert.Equal(8, meetings.Select(m => m.ExternalId).Distinct().Count());
    }

    [Fact]
    public async Task An_expired_token_is_replaced_once_and_the_call_retried()
    {
        await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);
        _zoom.FailNext(401);

        var meeting = await _provider.CreateAsync(SessionAt(2026, 11, 9, 10), default);

        Assert.Equal(
            [("/oauth/token", 200), ("/v2/users/me/meetings", 201), ("/v2/users/me/meetings", 401), ("/oauth/token", 200), ("/v2/users/me/meetings", 201)],
            _zoom.Requests.Select(r => (r.Path, r.Status)));
        Assert.Equal($"Bearer {_zoom.IssuedTokens[1]}", _zoom.Requests[^1].Header("Authorization"));
        Assert.Equal(2, _zoom.MeetingIds.Count);
        Assert.NotNull(_zoom.Meeting(long.Parse(meeting.ExternalId!)));
    }

    [Fact]
    public async Task Calls_rejected_with_the_same_expired_token_fetch_only_one_new_one()
    {
        var first = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);
        // Both calls carry the old token; Zoom answers the first to arrive late and the second at
        // once, so the second has already fetched and stored a new token when the late 401 comes,
        // which must not throw that token away. (The late one first: the early caller's retry then
        // can't take the other failure meant for the second call, however the threads are scheduled.)
        _zoom.FailNext(401, TimeSpan.FromMilliseconds(500));
        _zoom.FailNext(401);

        await Task.WhenAll(
            Task.Run(() => _provider.UpdateAsync(first, SessionAt(2026, 11, 10, 9), default)),
            Task.Run(() => _provider.CreateAsync(SessionAt(2026, 11, 9, 10), default)));

        Assert.Equal(2, _zoom.TokenRequests.Count);
        Assert.Equal(2, _zoom.ApiRequests.Count(r => r.Status == 401));
        Assert.All(_zoom.ApiRequests.Where(r => r.Status is 201 or 204).Skip(1),
            r => Assert.Equal($"Bearer {_zoom.IssuedTokens[1]}", r.Header("Authorization")));
    }

    [Fact]
    public async Task A_second_401_surfaces_as_a_MeetingProviderException_without_more_retries()
    {
        _zoom.FailNext(401);
        _zoom.FailNext(401);

        var error = await Assert.ThrowsAsync<MeetingProviderException>(() => _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("124", error.ProviderCode);
        Assert.Contains("Access token is expired.", error.Message);
        Assert.Equal(
            [("/oauth/token", 200), ("/v2/users/me/meetings", 401), ("/oauth/token", 200), ("/v2/users/me/meetings", 401)],
            _zoom.Requests.Select(r => (r.Path, r.Status)));
        AssertSecretsAbsent(error.ToString(), _zoom.IssuedTokens);
    }

    [Fact]
    public async Task A_Zoom_outage_surfaces_with_Zooms_message_as_retryable_and_keeps_the_token()
    {
        var first = await _provider.CreateAsync(SessionAt(2026, 11, 9, 9), default);
        _zoom.FailNext(500);

        var error = await Assert.ThrowsAsync<MeetingProviderException>(() => _provider.UpdateAsync(first, SessionAt(2026, 11, 10, 9), default));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.Contains("Internal server error. Please try again later.", error.Message);
        Assert.Single(_zoom.Requests, r => r.Method == "PATCH");
        Assert.Single(_zoom.TokenRequests);
        AssertSecretsAbsent(error.ToString(), _zoom.IssuedTokens);

        // The caller's retry goes through with the same token.
        await _provider.UpdateAsync(first, SessionAt(2026, 11, 10, 9), default);
        Assert.Equal(204, _zoom.Requests[^1].Status);
        Assert.Single(_zoom.TokenRequests);
    }

    [Fact]
    public async Task Wrong_credentials_surface_with_Zooms_reason_and_never_the_secret()
    {
        const string wrongSecret = "a-wrong-secret-that-must-not-leak";
        var provider = Provider(wrongSecret);

        var error = await Assert.ThrowsAsync<MeetingProviderException>(() => provider.CreateAsync(SessionAt(2026, 11, 9, 9), default));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("invalid_client", error.ProviderCode);
        Assert.Contains("Invalid client_id or client_secret", error.Message);
        Assert.DoesNotContain(wrongSecret, error.ToString());
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ZoomStandIn.ClientId}:{wrongSecret}")), error.ToString());
        Assert.Empty(_zoom.ApiRequests);
    }

    [Fact]
    public async Task Without_Zoom_settings_the_app_issues_Jitsi_links_and_two_of_three_stop_start_up()
    {
        using var app = new AppFactory();
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.IsType<JitsiMeetingProvider>(scope.ServiceProvider.GetRequiredService<IMeetingProvider>());

        // Two of the three keys is a mistake to point out, not a reason to use Jitsi quietly.
        using var partly = app.WithWebHostBuilder(b => b
            .UseSetting("Zoom:AccountId", ZoomStandIn.AccountId)
            .UseSetting("Zoom:ClientId", ZoomStandIn.ClientId));
        Assert.StartsWith("Zoom:ClientSecret is missing", Assert.Single(StartupFailure.Of(partly).Failures));
    }

    [Fact]
    public async Task With_Zoom_settings_the_app_uses_Zoom_with_one_token_and_keeps_credentials_out_of_its_logs()
    {
        using var app = new AppFactory();
        var logs = new CapturedLogs();
        await using var zoom = await ZoomStandIn.StartAsync(() => app.Clock.GetCurrentInstant().ToDateTimeOffset());
        using var configured = app.WithWebHostBuilder(b => b
            .UseSetting("Zoom:AccountId", ZoomStandIn.AccountId)
            .UseSetting("Zoom:ClientId", ZoomStandIn.ClientId)
            .UseSetting("Zoom:ClientSecret", ZoomStandIn.ClientSecret)
            .UseSetting("Zoom:ApiBase", zoom.ApiBase)
            .UseSetting("Zoom:OAuthBase", zoom.OAuthBase)
            .ConfigureLogging(l => l.AddProvider(logs).AddFilter<CapturedLogs>(null, LogLevel.Trace)));

        // Each scope (each request, each job) gets its own provider; the token is the app's.
        foreach (var hour in new[] { 9, 10 })
        {
            await using var scope = configured.Services.CreateAsyncScope();
            var provider = Assert.IsType<ZoomMeetingProvider>(scope.ServiceProvider.GetRequiredService<IMeetingProvider>());
            await provider.CreateAsync(SessionAt(2026, 11, 9, hour), default);
        }

        Assert.Single(zoom.TokenRequests);
        Assert.Equal(2, zoom.MeetingIds.Count);
        // The HttpClient's own logging was captured (so the check below means something)…
        Assert.Contains(logs.Lines, l => l.Contains("/oauth/token", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("Authorization", StringComparison.Ordinal));
        // …and no credential or token is in it.
        AssertSecretsAbsent(string.Join('\n', logs.Lines), zoom.IssuedTokens);
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(CapturedLogs sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}

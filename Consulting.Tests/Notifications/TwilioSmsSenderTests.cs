using System.Net;
using System.Text;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Tests.Notifications;

/// <summary>What <see cref="TwilioSmsSender"/> puts on the wire, checked at a local Twilio stand-in; and what an SMS says.</summary>
public sealed class TwilioSmsSenderTests : IAsyncLifetime
{
    private const string To = "+14155550123";

    private readonly HttpClient _http = new();
    private TwilioStandIn _twilio = null!;

    public async Task InitializeAsync() => _twilio = await TwilioStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _twilio.DisposeAsync();
    }

    private TwilioSmsSender Sender(string? authToken = TwilioStandIn.AuthToken, string? apiBase = null) =>
        new(_http, Options.Create(new TwilioOptions
        {
            AccountSid = TwilioStandIn.AccountSid,
            AuthToken = authToken,
            From = TwilioStandIn.From,
            ApiBase = apiBase ?? _twilio.ApiBase,
        }), NullLogger<TwilioSmsSender>.Instance);

    [Fact]
    public async Task Sends_To_From_and_Body_form_encoded_to_the_accounts_Messages_resource()
    {
        // "+" must arrive as a plus (not a form-encoded space); "&", "=" and non-ASCII as themselves.
        const string body = "Consulting: Zoë & Ana: 09:00 = 10:00 CET + 1h";

        await Sender().SendAsync(To, body, default);

        var request = Assert.Single(_twilio.Requests);
        Assert.Equal(201, request.Status);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{TwilioStandIn.AccountSid}/Messages.json", request.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal(To, request.Form["To"]);
        Assert.Equal(TwilioStandIn.From, request.Form["From"]);
        Assert.Equal(body, request.Form["Body"]);
        Assert.Equal(["Body", "From", "To"], request.Form.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Authenticates_with_Basic_auth_of_the_account_sid_and_auth_token()
    {
        await Sender().SendAsync(To, "Hello", default);

        var request = Assert.Single(_twilio.Requests);
        var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioStandIn.AccountSid}:{TwilioStandIn.AuthToken}"));
        Assert.Equal("Basic " + expected, request.Authorization);
    }

    [Fact]
    public async Task A_Twilio_error_becomes_an_SmsSendException_with_Twilios_code_and_message_and_without_the_token()
    {
        _twilio.FailNext(400, 21211, "The 'To' number is not a valid phone number.");

        var error = await Assert.ThrowsAsync<SmsSendException>(() => Sender().SendAsync(To, "Hello", default));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(21211, error.TwilioCode);
        Assert.Contains("21211", error.Message);
        Assert.Contains("The 'To' number is not a valid phone number.", error.Message);
        Assert.False(error.IsTransient);
        AssertNoCredentials(error, TwilioStandIn.AuthToken);
    }

    [Fact]
    public async Task Wrong_credentials_are_Twilios_20003_and_the_wrong_token_stays_out_of_the_error()
    {
        const string wrongToken = "a-rotated-token-that-must-not-leak";

        var error = await Assert.ThrowsAsync<SmsSendException>(() => Sender(authToken: wrongToken).SendAsync(To, "Hello", default));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(20003, error.TwilioCode);
        Assert.False(error.IsTransient);
        AssertNoCredentials(error, wrongToken);
    }

    [Theory]
    [InlineData(429, 20429, "Too Many Requests")]
    [InlineData(503, 20500, "Service Unavailable")]
    public async Task Rate_limits_and_Twilio_outages_are_transient(int status, int code, string message)
    {
        _twilio.FailNext(status, code, message);

        var error = await Assert.ThrowsAsync<SmsSendException>(() => Sender().SendAsync(To, "Hello", default));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal(code, error.TwilioCode);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task An_answer_that_is_not_Twilios_JSON_still_gives_the_status()
    {
        _twilio.FailNextWith(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>");

        var error = await Assert.ThrowsAsync<SmsSendException>(() => Sender().SendAsync(To, "Hello", default));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Null(error.TwilioCode);
        Assert.Contains("502", error.Message);
        Assert.DoesNotContain("<html>", error.Message);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task An_unreachable_Twilio_is_a_transient_SmsSendException()
    {
        // A port that was just listening and now isn't: connection refused.
        var gone = await TwilioStandIn.StartAsync();
        var address = gone.ApiBase;
        await gone.DisposeAsync();

        var error = await Assert.ThrowsAsync<SmsSendException>(() => Sender(apiBase: address).SendAsync(To, "Hello", default));

        Assert.Null(error.StatusCode);
        Assert.True(error.IsTransient);
        AssertNoCredentials(error, TwilioStandIn.AuthToken);
    }

    [Theory]
    [InlineData("14155550123")]          // no +
    [InlineData("+1 415 555 0123")]      // separators
    [InlineData("+1-415-555-0123")]
    [InlineData("+1(415)5550123")]
    [InlineData("+1234567")]             // 7 digits
    [InlineData("+1234567890123456")]    // 16 digits
    [InlineData("+04155550123")]         // no country code starts with 0
    [InlineData("+")]
    [InlineData("")]
    [InlineData("+14155550123\n")]
    [InlineData("+١٤١٥٥٥٥٠١٢٣")]         // Arabic-Indic digits are digits, but not E.164's
    public async Task A_number_that_is_not_E164_is_refused_before_any_request(string number)
    {
        var error = await Assert.ThrowsAsync<SmsSendException>(() => Sender().SendAsync(number, "Hello", default));

        Assert.Contains("E.164", error.Message);
        Assert.False(error.IsTransient);
        Assert.Null(error.StatusCode);
        Assert.Empty(_twilio.Requests);
    }

    [Theory]
    [InlineData("+12345678")]            // 8 digits, the shortest accepted
    [InlineData("+123456789012345")]     // 15 digits, E.164's longest
    [InlineData("+447911123456")]
    public async Task E164_numbers_from_8_to_15_digits_are_sent(string number)
    {
        await Sender().SendAsync(number, "Hello", default);

        Assert.Equal(number, Assert.Single(_twilio.Requests).Form["To"]);
    }

    [Fact]
    public void The_sender_refuses_to_exist_without_all_three_settings()
    {
        var options = Options.Create(new TwilioOptions { AccountSid = TwilioStandIn.AccountSid, AuthToken = TwilioStandIn.AuthToken });

        Assert.Throws<InvalidOperationException>(() => new TwilioSmsSender(_http, options, NullLogger<TwilioSmsSender>.Instance));
    }

    [Fact]
    public async Task Without_Twilio_settings_SMS_is_off_and_two_of_three_stop_start_up()
    {
        using var app = new AppFactory();
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.False(Assert.IsType<DisabledSmsSender>(scope.ServiceProvider.GetRequiredService<ISmsSender>()).IsEnabled);

        // Two of the three keys (a blank one counts as missing) is a mistake to point out, not a reason to stay quiet.
        using var partly = app.WithWebHostBuilder(b => b
            .UseSetting("Twilio:AccountSid", TwilioStandIn.AccountSid)
            .UseSetting("Twilio:AuthToken", TwilioStandIn.AuthToken)
            .UseSetting("Twilio:ApiBase", _twilio.ApiBase));
        using var blank = app.WithWebHostBuilder(b => b
            .UseSetting("Twilio:AccountSid", TwilioStandIn.AccountSid)
            .UseSetting("Twilio:AuthToken", TwilioStandIn.AuthToken)
            .UseSetting("Twilio:From", " "));
        foreach (var factory in new[] { partly, blank })
            Assert.StartsWith("Twilio:From is missing", Assert.Single(StartupFailure.Of(factory).Failures));
    }

    [Fact]
    public async Task With_all_three_Twilio_settings_the_app_sends_through_Twilio_at_ApiBase()
    {
        using var app = new AppFactory();
        using var configured = app.WithWebHostBuilder(b => b
            .UseSetting("Twilio:AccountSid", TwilioStandIn.AccountSid)
            .UseSetting("Twilio:AuthToken", TwilioStandIn.AuthToken)
            .UseSetting("Twilio:From", TwilioStandIn.From)
            .UseSetting("Twilio:ApiBase", _twilio.ApiBase));

        await using var scope = configured.Services.CreateAsyncScope();
        var sms = Assert.IsType<TwilioSmsSender>(scope.ServiceProvider.GetRequiredService<ISmsSender>());
        Assert.True(sms.IsEnabled);
        await sms.SendAsync(To, "Consulting: hello", default);

        var request = Assert.Single(_twilio.Requests);
        Assert.Equal(201, request.Status);
        Assert.Equal(TwilioStandIn.MessagesPath, request.Path);
    }

    // --- SmsComposer ---

    // 2026-11-09 14:00 UTC is 09:00 in New York: EST (UTC−5), DST having ended on 2026-11-01.
    private static readonly Instant Start = Instant.FromUtc(2026, 11, 9, 14, 0);

    private static Notification Note(NotificationType type, string title, string message, string zone = "America/New_York") =>
        Notification.Create(type, new Recipient("user-1", "ada@example.com", To, zone), Guid.NewGuid(), title, message,
            Notification.ChannelsFor(type, smsEnabled: true), Start);

    [Fact]
    public void A_reminder_reads_as_the_title_then_the_message_with_the_recipients_time()
    {
        var n = Note(NotificationType.Reminder1h, "Reminder: your session with Maya Chen is in 1 hour",
            $"{ZoneDisplay.DateTime(Start, "America/New_York")}. Join with the meeting link in your confirmation.");

        Assert.Equal(
            "Consulting: Reminder: your session with Maya Chen is in 1 hour. Mon 9 Nov 2026, 09:00 EST (New York). " +
            "Join with the meeting link in your confirmation.",
            SmsComposer.Compose(n));
    }

    [Theory]
    [InlineData(NotificationType.Reminder24h, "Reminder: your session with Maya Chen is in 24 hours", "{0}. Join with the meeting link in your confirmation.")]
    [InlineData(NotificationType.Reminder1h, "Reminder: session with Ada Lovelace in 1 hour", "{0}.")]
    [InlineData(NotificationType.Cancelled, "Your session with Maya Chen is cancelled", "Maya Chen cancelled the session on {0}. You'll get a full refund of $120.00.")]
    [InlineData(NotificationType.Rescheduled, "Your session with Maya Chen has moved", "New time: {0} (was Tue 10 Nov 2026, 10:00 EST (New York)).")]
    public void Each_SMS_type_gets_a_short_plain_text_with_prefix_title_and_time(NotificationType type, string title, string messageFormat)
    {
        var time = ZoneDisplay.DateTime(Start, "America/New_York");
        var n = Note(type, title, string.Format(System.Globalization.CultureInfo.InvariantCulture, messageFormat, time));

        var sms = SmsComposer.Compose(n);

        Assert.NotNull(sms);
        Assert.StartsWith("Consulting: " + title, sms);
        Assert.Contains(time, sms);
        Assert.True(sms.Length <= SmsComposer.MaxLength, $"{sms.Length} characters");
        Assert.DoesNotContain('\n', sms);
        Assert.DoesNotContain('<', sms);
    }

    public static TheoryData<NotificationType> NonSmsTypes()
    {
        NotificationType[] sms = [NotificationType.Reminder24h, NotificationType.Reminder1h, NotificationType.Cancelled, NotificationType.Rescheduled];
        var data = new TheoryData<NotificationType>();
        foreach (var type in Enum.GetValues<NotificationType>().Except(sms)) data.Add(type);
        return data;
    }

    [Theory]
    [MemberData(nameof(NonSmsTypes))]
    public void Types_that_do_not_go_by_SMS_compose_to_null(NotificationType type)
    {
        Assert.Null(SmsComposer.Compose(Note(type, "Your session with Maya Chen is confirmed", "Mon 9 Nov 2026, 09:00 EST (New York).")));
    }

    [Fact]
    public void A_long_message_is_cut_at_a_word_to_at_most_320_characters()
    {
        var time = ZoneDisplay.DateTime(Start, "America/New_York");
        var reason = string.Join(' ', Enumerable.Repeat("unforeseen", 40));
        var n = Note(NotificationType.Cancelled, "Your session with Maya Chen is cancelled",
            $"Maya Chen cancelled the session on {time}. Reason: {reason}.");

        var sms = SmsComposer.Compose(n)!;

        Assert.True(sms.Length <= SmsComposer.MaxLength, $"{sms.Length} characters");
        Assert.Contains(time, sms);
        Assert.EndsWith("unforeseen...", sms);
    }

    [Fact]
    public void A_long_text_is_never_cut_inside_a_surrogate_pair()
    {
        // 🙂 is U+1F642, two UTF-16 units; a text of them has no word boundary to cut at.
        var n = Note(NotificationType.Rescheduled, "Your session has moved", string.Concat(Enumerable.Repeat("🙂", 300)));

        var sms = SmsComposer.Compose(n)!;

        Assert.True(sms.Length <= SmsComposer.MaxLength, $"{sms.Length} characters");
        Assert.False(char.IsHighSurrogate(sms[^4]), "the last emoji before the ellipsis is whole");
        Assert.EndsWith("🙂...", sms);
    }

    [Fact]
    public void Typographic_characters_become_GSM_look_alikes_so_the_SMS_is_not_sent_as_UCS2()
    {
        // tzdb has no abbreviation for America/Sao_Paulo (it writes "-03"), so ZoneDisplay shows
        // "UTC−03:00" with U+2212, which is outside GSM-7.
        var time = ZoneDisplay.DateTime(Start, "America/Sao_Paulo");
        Assert.Contains("UTC−03:00", time);
        var n = Note(NotificationType.Reminder24h, "Reminder: your session with Maya Chen is in 24 hours",
            $"{time}. Don’t forget\n\n“the notes”…", "America/Sao_Paulo");

        var sms = SmsComposer.Compose(n)!;

        Assert.Equal(
            "Consulting: Reminder: your session with Maya Chen is in 24 hours. Mon 9 Nov 2026, 11:00 UTC-03:00 (Sao Paulo). " +
            "Don't forget \"the notes\"...",
            sms);
    }

    private static void AssertNoCredentials(Exception error, string token)
    {
        var text = error.ToString();
        Assert.DoesNotContain(token, text);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioStandIn.AccountSid}:{token}")), text);
    }
}

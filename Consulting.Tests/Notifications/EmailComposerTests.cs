using System.Net;
using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Html.Dom;
using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Calendar;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using NodaTime;

namespace Consulting.Tests.Notifications;

/// <summary>
/// Emails composed from real bookings (clock: Mon 2 Nov 2026 12:00 UTC). The specialist is in New
/// York, the customer in Tokyo; the session is Mon 9 Nov 14:00 UTC — 09:00 EST (New York is back on
/// standard time since 1 Nov) and 23:00 JST (Japan has no DST).
/// </summary>
public sealed class EmailComposerTests : IDisposable
{
    private const string TokyoTime = "Mon 9 Nov 2026, 23:00 JST (Tokyo)";
    private const string NewYorkTime = "Mon 9 Nov 2026, 09:00 EST (New York)";
    private const string SiteUrl = "http://localhost:5080/";

    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private sealed record Scenario(Booking Booking, string SpecialistName, string SpecialistEmail, BookableSpecialist Specialist);

    private async Task<Scenario> ConfirmedAsync()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync("America/New_York");
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots.First(s => s.Start == Instant.FromUtc(2026, 11, 9, 14, 0)), "Asia/Tokyo");
        var (name, email) = await _app.WithDbAsync(async db => await (from p in db.Specialists
                                                                        join u in db.Users on p.UserId equals u.Id
                                                                        where p.Id == specialist.Id
                                                                        select new ValueTuple<string, string>(p.DisplayName, u.Email!)).SingleAsync());
        return new Scenario(booking, name, email, specialist);
    }

    private Task<List<Notification>> RecordedAsync(Guid bookingId, NotificationType type) =>
        _app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.BookingId == bookingId && n.Type == type).ToListAsync());

    private async Task<MimeMessage> ComposeAsync(Notification notification)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EmailComposer>().ComposeAsync(notification, CancellationToken.None);
    }

    private async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>The parts of the multipart/alternative body, in order.</summary>
    private static List<TextPart> Alternatives(MimeMessage message) =>
        Assert.IsType<MultipartAlternative>(message.Body).Cast<TextPart>().ToList();

    private static TextPart Part(MimeMessage message, string subtype) =>
        Assert.Single(Alternatives(message), p => p.ContentType.IsMimeType("text", subtype));

    private static async Task<IHtmlDocument> HtmlAsync(MimeMessage message)
    {
        var document = await BrowsingContext.New(Configuration.Default).OpenAsync(r => r.Content(message.HtmlBody));
        return (IHtmlDocument)document;
    }

    private static string Href(IHtmlDocument html, string linkText) =>
        html.QuerySelectorAll("a").SingleOrDefault(a => a.TextContent.Trim() == linkText)?.GetAttribute("href")
        ?? throw new Xunit.Sdk.XunitException($"No link '{linkText}' in: {string.Join(", ", html.QuerySelectorAll("a").Select(a => a.TextContent.Trim()))}");

    /// <summary>
    /// The .ics exactly as a calendar app receives it: the decoded bytes. (TextPart.Text would turn
    /// the CRLF line ends RFC 5545 requires into LF.)
    /// </summary>
    internal static string Ics(MimeEntity part)
    {
        using var bytes = new MemoryStream();
        Assert.IsType<TextPart>(part).Content!.DecodeTo(bytes);
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    [Fact]
    public async Task The_customers_confirmation_shows_Tokyo_time_absolute_manage_links_and_a_REQUEST_invite_last()
    {
        var s = await ConfirmedAsync();
        var notification = Assert.Single(await RecordedAsync(s.Booking.Id, NotificationType.BookingConfirmation));

        var message = await ComposeAsync(notification);

        Assert.Equal(notification.Title, message.Subject);
        Assert.Equal($"Your session with {s.SpecialistName} is confirmed", message.Subject);
        Assert.Equal("guest@example.com", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Guest Customer", message.To.Mailboxes.Single().Name);
        Assert.Equal("no-reply@consulting.local", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal($"{notification.Id:N}@consulting.local", message.MessageId);

        // text, html, calendar — the invite last, with the calendar's METHOD and no file name.
        var parts = Alternatives(message);
        Assert.Equal(["text/plain", "text/html", "text/calendar"], parts.Select(p => p.ContentType.MimeType));
        var calendar = parts[^1];
        Assert.Equal("REQUEST", calendar.ContentType.Parameters["method"]);
        Assert.Equal("utf-8", calendar.ContentType.Charset);
        Assert.Null(calendar.FileName);
        Assert.Null(calendar.ContentDisposition);

        // Times in the recipient's zone, zone named; the specialist's zone appears nowhere.
        var html = await HtmlAsync(message);
        Assert.Equal(TokyoTime, html.QuerySelector("[data-field=when]")!.TextContent.Trim());
        Assert.Contains($"When:    {TokyoTime}", message.TextBody);
        // As a word: the links' random tokens may hold the letters "EST".
        Assert.DoesNotMatch(@"(?<![\w-])EST(?![\w-])", message.TextBody);
        Assert.DoesNotMatch(@"(?<![\w-])EST(?![\w-])", html.Body!.TextContent);

        // The meeting link, and the manage links as absolute URLs that work.
        var booking = await _app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == s.Booking.Id));
        var meeting = Assert.IsType<string>(booking.Meeting?.JoinUrl);
        Assert.Equal(meeting, html.QuerySelector("[data-link=meeting]")!.GetAttribute("href"));
        Assert.Contains($"Meeting: {meeting}", message.TextBody);
        var links = new[] { "View booking", "Reschedule", "Cancel" }.Select(text => Href(html, text)).ToList();
        Assert.All(links, link => Assert.StartsWith($"{SiteUrl}bookings/{booking.Id:N}", link));
        Assert.Contains("/reschedule?t=", links[1]);
        Assert.Contains("/cancel?t=", links[2]);
        var client = _app.CreateClient();
        foreach (var link in links)
        {
            Assert.Contains(link, message.TextBody);
            var response = await client.GetAsync(new Uri(link).PathAndQuery);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {link} gave {(int)response.StatusCode}");
        }

        // Add-to-calendar links for mail apps that ignore the invite.
        Assert.StartsWith("https://calendar.google.com/calendar/render?action=TEMPLATE", html.QuerySelector("[data-link=google]")!.GetAttribute("href"));
        Assert.StartsWith("https://outlook.live.com/calendar/", html.QuerySelector("[data-link=outlook]")!.GetAttribute("href"));

        // The invite is valid to ical.js and describes this booking.
        var ics = Ics(calendar);
        var summary = IcsValidator.Validate(ics);
        Assert.Equal("REQUEST", summary.Method);
        var vevent = summary.Event(BookingInvites.Uid(booking.Id));
        Assert.Equal(booking.Sequence, vevent.Sequence);
        Assert.Equal(new DateTimeOffset(2026, 11, 9, 14, 0, 0, TimeSpan.Zero), vevent.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 9, 15, 0, 0, TimeSpan.Zero), vevent.End);
        Assert.Equal("Asia/Tokyo", vevent.StartTzid);
        Assert.Equal($"mailto:{s.SpecialistEmail}", vevent.Organizer!.Value);
        Assert.Equal(s.SpecialistName, vevent.Organizer.Cn);
        Assert.Equal("mailto:guest@example.com", Assert.Single(vevent.Attendees).Value);
        Assert.Equal(meeting, vevent.Location);
        Assert.Contains(links[1], vevent.Description);
        Assert.Contains(links[2], vevent.Description);
    }

    [Fact]
    public async Task The_specialists_new_booking_email_shows_New_York_time_the_customer_a_calendar_link_and_the_invite()
    {
        var s = await ConfirmedAsync();
        var notification = Assert.Single(await RecordedAsync(s.Booking.Id, NotificationType.NewBooking));

        var message = await ComposeAsync(notification);

        Assert.Equal("New booking: Guest Customer", message.Subject);
        Assert.Equal(s.SpecialistEmail, Assert.Single(message.To.Mailboxes).Address);
        var html = await HtmlAsync(message);
        Assert.Equal(NewYorkTime, html.QuerySelector("[data-field=when]")!.TextContent.Trim());
        Assert.Contains(NewYorkTime, message.TextBody);
        Assert.DoesNotContain("JST", message.TextBody);
        Assert.Contains("Customer: Guest Customer (guest@example.com)", message.TextBody);

        // Specialists act from their calendar, not through the customer's manage links.
        var calendarLink = Href(html, "Open your calendar");
        Assert.Equal($"{SiteUrl}specialist/calendar", calendarLink);
        Assert.Contains($"Your calendar: {calendarLink}", message.TextBody);
        Assert.DoesNotContain("?t=", message.TextBody);
        Assert.DoesNotContain("?t=", message.HtmlBody);

        var calendar = Alternatives(message)[^1];
        Assert.Equal("REQUEST", calendar.ContentType.Parameters["method"]);
        var vevent = IcsValidator.Validate(Ics(calendar)).Event(BookingInvites.Uid(s.Booking.Id));
        Assert.Equal("America/New_York", vevent.StartTzid);
        Assert.Equal("Session with Guest Customer", vevent.Summary);
        Assert.DoesNotContain("?t=", vevent.Description);
    }

    [Fact]
    public async Task Rescheduled_emails_carry_the_same_UID_a_higher_SEQUENCE_and_the_new_and_old_times_in_each_zone()
    {
        var s = await ConfirmedAsync();
        var tuesday = s.Specialist.Slots.First(x => x.Start == Instant.FromUtc(2026, 11, 10, 14, 0));
        var outcome = await InScopeAsync(sp => sp.GetRequiredService<BookingChanges>()
            .RescheduleAsync(s.Booking.Id, tuesday.Id, Actor.Customer(null), CancellationToken.None));
        Assert.IsType<ChangeOutcome.Done>(outcome);
        var notifications = await RecordedAsync(s.Booking.Id, NotificationType.Rescheduled);
        var customer = notifications.Single(n => n.RecipientEmail == "guest@example.com");
        var specialist = notifications.Single(n => n.RecipientEmail == s.SpecialistEmail);

        foreach (var (notification, now, was) in new[]
        {
            (customer, "Tue 10 Nov 2026, 23:00 JST (Tokyo)", TokyoTime),
            (specialist, "Tue 10 Nov 2026, 09:00 EST (New York)", NewYorkTime),
        })
        {
            var message = await ComposeAsync(notification);
            Assert.Equal(notification.Title, message.Subject);
            var html = await HtmlAsync(message);
            Assert.Equal(now, html.QuerySelector("[data-field=when]")!.TextContent.Trim());
            Assert.Equal(was, html.QuerySelector("[data-field=previous]")!.TextContent.Trim());
            Assert.Contains($"Was:     {was}", message.TextBody);

            var calendar = Alternatives(message)[^1];
            Assert.Equal("REQUEST", calendar.ContentType.Parameters["method"]);
            var vevent = IcsValidator.Validate(Ics(calendar)).Event(BookingInvites.Uid(s.Booking.Id));
            Assert.Equal(1, vevent.Sequence);
            Assert.Equal(new DateTimeOffset(2026, 11, 10, 14, 0, 0, TimeSpan.Zero), vevent.Start);
        }

        // The customer's copy has working manage links for the new time.
        var customerHtml = await HtmlAsync(await ComposeAsync(customer));
        var response = await _app.CreateClient().GetAsync(new Uri(Href(customerHtml, "Cancel")).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Cancellation_emails_withdraw_the_invite_with_METHOD_CANCEL_and_state_the_refund()
    {
        var s = await ConfirmedAsync();
        var outcome = await InScopeAsync(sp => sp.GetRequiredService<BookingChanges>()
            .CancelAsync(s.Booking.Id, Actor.Customer(null), "Something came up", CancellationToken.None));
        Assert.IsType<ChangeOutcome.Done>(outcome);
        var notifications = await RecordedAsync(s.Booking.Id, NotificationType.Cancelled);
        var customer = await ComposeAsync(notifications.Single(n => n.RecipientEmail == "guest@example.com"));
        var specialist = await ComposeAsync(notifications.Single(n => n.RecipientEmail == s.SpecialistEmail));

        foreach (var message in new[] { customer, specialist })
        {
            var parts = Alternatives(message);
            Assert.Equal(["text/plain", "text/html", "text/calendar"], parts.Select(p => p.ContentType.MimeType));
            Assert.Equal("CANCEL", parts[^1].ContentType.Parameters["method"]);
            Assert.Null(parts[^1].FileName);
            var summary = IcsValidator.Validate(Ics(parts[^1]));
            Assert.Equal("CANCEL", summary.Method);
            var vevent = summary.Event(BookingInvites.Uid(s.Booking.Id));
            Assert.Equal("CANCELLED", vevent.Status);
            Assert.Equal(1, vevent.Sequence);
        }

        Assert.Contains($"When:    {TokyoTime} (cancelled)", customer.TextBody);
        Assert.Contains("You get a full refund of", customer.TextBody);
        // Nothing left to manage; a way to book again instead.
        Assert.DoesNotContain("/cancel?t=", customer.TextBody);
        Assert.DoesNotContain("/reschedule?t=", customer.TextBody);
        Assert.Contains($"Choose another time: {SiteUrl}specialists/{s.Specialist.Slug}", customer.TextBody);
        Assert.Contains(NewYorkTime, specialist.TextBody);
    }

    /// <summary>Each type composes from real data, with both bodies and the time in the recipient's zone.</summary>
    [Theory]
    [InlineData(NotificationType.Reminder24h)]
    [InlineData(NotificationType.Reminder1h)]
    [InlineData(NotificationType.PaymentReceived)]
    [InlineData(NotificationType.RefundProcessed)]
    [InlineData(NotificationType.MeetingProblem)]
    [InlineData(NotificationType.ReviewReceived)]
    public async Task Every_booking_type_has_a_text_and_an_html_part_with_the_recipients_time(NotificationType type)
    {
        var s = await ConfirmedAsync();
        var toSpecialist = type is NotificationType.MeetingProblem or NotificationType.ReviewReceived;
        var recipient = toSpecialist
            ? new Recipient(null, s.SpecialistEmail, null, "America/New_York")
            : new Recipient(null, "guest@example.com", null, "Asia/Tokyo");
        var notification = Notification.Create(type, recipient, s.Booking.Id, $"About your session ({type})", "Details below.",
            [Channel.Email], _app.Clock.GetCurrentInstant());

        var message = await ComposeAsync(notification);

        Assert.Equal($"About your session ({type})", message.Subject);
        Assert.Equal(["text/plain", "text/html"], Alternatives(message).Select(p => p.ContentType.MimeType));
        Assert.Contains("Details below.", message.TextBody);
        var html = await HtmlAsync(message);
        Assert.Equal("Details below.", html.QuerySelector("h1 + p")!.TextContent.Trim());
        Assert.Equal(toSpecialist ? NewYorkTime : TokyoTime, html.QuerySelector("[data-field=when]")!.TextContent.Trim());
        Assert.Contains(toSpecialist ? NewYorkTime : TokyoTime, message.TextBody);
        if (type == NotificationType.PaymentReceived) Assert.Equal("€50.00", html.QuerySelector("[data-field=paid]")!.TextContent.Trim());
        if (toSpecialist) Assert.Contains($"{SiteUrl}specialist/calendar", message.TextBody);
        else Assert.Contains($"{SiteUrl}bookings/{s.Booking.Id:N}/cancel?t=", message.TextBody);
        if (type == NotificationType.ReviewReceived)
            Assert.Matches($"See your reviews: {Regex.Escape(SiteUrl)}specialists/[a-z0-9-]+/reviews", message.TextBody);
    }

    [Fact]
    public async Task The_1_hour_reminder_offers_cancel_but_not_reschedule_once_rescheduling_has_closed()
    {
        var s = await ConfirmedAsync();
        _app.Clock.Reset(s.Booking.Start - Duration.FromHours(1));
        var notification = Notification.Create(NotificationType.Reminder1h, new Recipient(null, "guest@example.com", null, "Asia/Tokyo"),
            s.Booking.Id, "Reminder: your session is in 1 hour", "See you soon.", [Channel.Email], _app.Clock.GetCurrentInstant());

        var message = await ComposeAsync(notification);

        var html = await HtmlAsync(message);
        Assert.Contains("Join the meeting", html.Body!.TextContent);
        Assert.DoesNotContain(html.QuerySelectorAll("a"), a => a.TextContent.Trim() == "Reschedule");
        var cancel = Href(html, "Cancel");
        Assert.Contains("Rescheduling has closed (24 hours before the start)", message.TextBody);
        var response = await _app.CreateClient().GetAsync(new Uri(cancel).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task After_the_session_the_completed_email_links_to_a_review_and_the_recording_email_to_the_recording()
    {
        var s = await ConfirmedAsync();
        _app.Clock.Reset(s.Booking.End + Duration.FromMinutes(5));
        await _app.WithDbAsync(async db =>
        {
            var booking = await db.Bookings.SingleAsync(b => b.Id == s.Booking.Id);
            booking.MarkCompleted(Actor.System, _app.Clock.GetCurrentInstant());
            booking.AddRecording("https://recordings.example.com/r/123");
            await db.SaveChangesAsync();
        });
        var customer = new Recipient(null, "guest@example.com", null, "Asia/Tokyo");
        var now = _app.Clock.GetCurrentInstant();

        var completed = await ComposeAsync(Notification.Create(NotificationType.SessionCompleted, customer, s.Booking.Id,
            "How was your session?", "Thanks for meeting.", [Channel.Email], now));
        var recording = await ComposeAsync(Notification.Create(NotificationType.RecordingReady, customer, s.Booking.Id,
            "Your recording is ready", "Watch it again any time.", [Channel.Email], now));

        var review = Href(await HtmlAsync(completed), "Leave a review");
        Assert.StartsWith($"{SiteUrl}bookings/{s.Booking.Id:N}?t=", review);
        Assert.Contains($"Leave a review: {review}", completed.TextBody);
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient().GetAsync(new Uri(review).PathAndQuery)).StatusCode);
        // The session is over: no invite, no manage links.
        Assert.Equal(2, Alternatives(completed).Count);
        Assert.DoesNotContain("/cancel?t=", completed.TextBody);

        Assert.Equal("https://recordings.example.com/r/123", Href(await HtmlAsync(recording), "Watch the recording"));
        Assert.Contains("Watch the recording: https://recordings.example.com/r/123", recording.TextBody);
    }

    [Fact]
    public async Task A_notification_without_a_booking_is_just_its_title_and_message()
    {
        var notification = Notification.Create(NotificationType.MeetingProblem, new Recipient(null, "someone@example.com", null, "UTC"),
            null, "Heads up", "Something <needs> your attention & care.", [Channel.Email], _app.Clock.GetCurrentInstant());

        var message = await ComposeAsync(notification);

        Assert.Equal("Heads up", message.Subject);
        Assert.Equal(["text/plain", "text/html"], Alternatives(message).Select(p => p.ContentType.MimeType));
        Assert.StartsWith("Heads up\n\nSomething <needs> your attention & care.\n", message.TextBody!.ReplaceLineEndings("\n"));
        var html = await HtmlAsync(message);
        Assert.Equal("Heads up", html.QuerySelector("h1")!.TextContent);
        // Encoded, not markup.
        Assert.Equal("Something <needs> your attention & care.", html.QuerySelector("h1 + p")!.TextContent);
        Assert.Null(html.QuerySelector("needs"));
    }
}

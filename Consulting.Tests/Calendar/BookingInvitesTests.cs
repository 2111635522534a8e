using Consulting.Tests.Support;
using Consulting.Web.Calendar;
using NodaTime;

namespace Consulting.Tests.Calendar;

/// <summary>The .ics invites, read back by Mozilla's ical.js the way a calendar app reads them.</summary>
[NoDatabase]
public sealed class BookingInvitesTests
{
    private static readonly Guid BookingId = Guid.Parse("0b7f1f0e-4a4e-4d43-9c55-3d1c5b0a2f11");
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private const string MeetingUrl = "https://meet.jit.si/consulting-3f9c2a7d";

    private static BookingInvite Invite(Instant start, int sequence = 0, string zone = "America/New_York", Duration? length = null) => new(
        BookingId,
        sequence,
        start,
        start + (length ?? Duration.FromHours(1)),
        zone,
        "Session with Maya Thompson",
        "Your 1:1 session.\nReschedule: https://consulting.test/bookings/x/manage?token=a+b/c=&do=reschedule\nCancel: https://consulting.test/bookings/x/manage?token=a+b/c=&do=cancel",
        MeetingUrl,
        new InviteParty("Maya Thompson", "maya@consulting.test"),
        new InviteParty("Guest Customer", "guest@example.com"),
        Instant.FromUtc(2026, 10, 20, 8, 15, 30));

    private static Instant InNewYork(int month, int day, int hour) =>
        new LocalDateTime(2026, month, day, hour, 0).InZoneStrictly(NewYork).ToInstant();

    [Fact]
    public void A_request_after_the_autumn_change_puts_09_00_New_York_at_14_00_UTC()
    {
        // America/New_York falls back from EDT (UTC−4) to EST (UTC−5) at 02:00 on 2026-11-01.
        var ics = BookingInvites.Request(Invite(InNewYork(11, 2, 9)));

        var calendar = IcsValidator.Validate(ics);

        Assert.Equal("REQUEST", calendar.Method);
        Assert.Equal("-//Consulting//Bookings//EN", calendar.ProdId);
        Assert.Equal(["America/New_York"], calendar.TimeZones);
        var e = Assert.Single(calendar.Events);
        Assert.Equal(BookingInvites.Uid(BookingId), e.Uid);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 14, 0, 0, TimeSpan.Zero), e.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 15, 0, 0, TimeSpan.Zero), e.End);
        Assert.Equal("America/New_York", e.StartTzid);
        Assert.Contains("DTSTART;TZID=America/New_York:20261102T090000\r\n", ics);
        Assert.Equal("CONFIRMED", e.Status);
        Assert.Equal(0, e.Sequence);
        Assert.Equal(new DateTimeOffset(2026, 10, 20, 8, 15, 30, TimeSpan.Zero), e.Stamp);
    }

    [Fact]
    public void A_request_before_the_autumn_change_puts_09_00_New_York_at_13_00_UTC()
    {
        // Friday 2026-10-30 is still EDT (UTC−4): New York falls back on Sunday 1 November.
        var calendar = IcsValidator.Validate(BookingInvites.Request(Invite(InNewYork(10, 30, 9))));

        var e = Assert.Single(calendar.Events);
        Assert.Equal(new DateTimeOffset(2026, 10, 30, 13, 0, 0, TimeSpan.Zero), e.Start);
        Assert.Equal(new DateTimeOffset(2026, 10, 30, 14, 0, 0, TimeSpan.Zero), e.End);
    }

    [Fact]
    public void A_request_names_organizer_and_attendee_and_carries_the_meeting_link_and_manage_links()
    {
        var invite = Invite(InNewYork(11, 2, 9));

        var e = Assert.Single(IcsValidator.Validate(BookingInvites.Request(invite)).Events);

        Assert.Equal(new IcsParty("mailto:maya@consulting.test", "Maya Thompson", null, null, null), e.Organizer);
        var attendee = Assert.Single(e.Attendees);
        Assert.Equal(new IcsParty("mailto:guest@example.com", "Guest Customer", "TRUE", "NEEDS-ACTION", "REQ-PARTICIPANT"), attendee);
        Assert.Equal(MeetingUrl, e.Location);
        Assert.Equal(MeetingUrl, e.Url);
        Assert.Equal("Session with Maya Thompson", e.Summary);
        Assert.Equal(invite.Description, e.Description);
    }

    [Fact]
    public void A_reschedule_keeps_the_uid_and_raises_the_sequence_and_a_cancel_withdraws_the_same_uid()
    {
        var first = IcsValidator.Validate(BookingInvites.Request(Invite(InNewYork(11, 3, 9), sequence: 0))).Events.Single();
        var moved = IcsValidator.Validate(BookingInvites.Request(Invite(InNewYork(11, 5, 11), sequence: 1))).Events.Single();
        var cancel = IcsValidator.Validate(BookingInvites.Cancel(Invite(InNewYork(11, 5, 11), sequence: 2)));

        Assert.Equal(first.Uid, moved.Uid);
        Assert.True(moved.Sequence > first.Sequence);
        Assert.Equal(new DateTimeOffset(2026, 11, 5, 16, 0, 0, TimeSpan.Zero), moved.Start);

        Assert.Equal("CANCEL", cancel.Method);
        var withdrawn = Assert.Single(cancel.Events);
        Assert.Equal(first.Uid, withdrawn.Uid);
        Assert.Equal(2, withdrawn.Sequence);
        Assert.Equal("CANCELLED", withdrawn.Status);
        Assert.NotNull(withdrawn.Organizer);
        Assert.Equal("mailto:guest@example.com", Assert.Single(withdrawn.Attendees).Value);
    }

    [Fact]
    public void A_session_ending_in_the_repeated_autumn_hour_ends_at_the_right_instant()
    {
        // On 2026-11-01 New York shows 01:00–01:59 twice; a session from 01:00 EDT lasts until 01:00 EST,
        // a wall time that DTEND;TZID can't tell apart from its first occurrence.
        var start = Instant.FromUtc(2026, 11, 1, 5, 0);

        var e = Assert.Single(IcsValidator.Validate(BookingInvites.Request(Invite(start))).Events);

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 0, 0, TimeSpan.Zero), e.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.Zero), e.End);
    }

    [Theory]
    // Tokyo has no DST; Kolkata is UTC+5:30; Lord Howe's DST moves clocks by 30 minutes (UTC+11 in November).
    [InlineData("Asia/Tokyo", true)]
    [InlineData("Asia/Kolkata", true)]
    [InlineData("Australia/Lord_Howe", true)]
    [InlineData("Europe/Berlin", true)]
    // Ical.Net 5's VTIMEZONE is wrong for these (Dublin's negative DST; Cairo's change at "Thursday 24:00"
    // written as a Thursday rule): the invite falls back to UTC times.
    [InlineData("Europe/Dublin", false)]
    [InlineData("Africa/Cairo", false)]
    public void Every_zone_lands_on_the_same_instant_in_a_calendar_app(string zoneId, bool zoned)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        // Sessions at 09:00 local on days that straddle the autumn changes of both hemispheres
        // (Cairo's last-Thursday change falls on 2026-10-29/30).
        foreach (var date in new[] { new LocalDate(2026, 10, 29), new LocalDate(2026, 10, 30), new LocalDate(2026, 11, 2) })
        {
            var start = date.At(new LocalTime(9, 0)).InZoneStrictly(zone).ToInstant();

            var calendar = IcsValidator.Validate(BookingInvites.Request(Invite(start, zone: zoneId, length: Duration.FromMinutes(45))));

            var e = Assert.Single(calendar.Events);
            Assert.Equal(start.ToDateTimeOffset(), e.Start);
            Assert.Equal((start + Duration.FromMinutes(45)).ToDateTimeOffset(), e.End);
            if (zoned) Assert.Equal(zoneId, e.StartTzid);
        }
        if (!zoned)
        {
            var ics = BookingInvites.Request(Invite(new LocalDate(2026, 10, 29).At(new LocalTime(9, 0)).InZoneLeniently(zone).ToInstant(), zone: zoneId));
            Assert.DoesNotContain("BEGIN:VTIMEZONE", ics);
            Assert.Null(IcsValidator.Validate(ics).Events.Single().StartTzid);
        }
    }

    [Fact]
    public void Text_with_commas_semicolons_line_breaks_and_accents_survives_folding()
    {
        var description = "Notes; with, punctuation \\ and a backslash.\n" + string.Concat(Enumerable.Repeat("Größenänderung über 75 Oktette — ", 6));
        var invite = Invite(InNewYork(11, 2, 9)) with
        {
            Summary = "Sesión con José Díaz, CFO; Q4",
            Description = description,
            Attendee = new InviteParty("Díaz, José \"Pepe\"", "jose@example.com"),
        };

        var ics = BookingInvites.Request(invite);
        var e = Assert.Single(IcsValidator.Validate(ics).Events);

        Assert.Equal("Sesión con José Díaz, CFO; Q4", e.Summary);
        Assert.Equal(description, e.Description);
        Assert.All(ics.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
    }

    [Fact]
    public void Google_and_Outlook_links_carry_the_utc_times_and_encoded_text()
    {
        var invite = Invite(InNewYork(11, 2, 9));

        var google = new Uri(CalendarLinks.Google(invite));
        var outlook = new Uri(CalendarLinks.Outlook(invite));

        Assert.Equal("calendar.google.com", google.Host);
        var g = Query(google);
        Assert.Equal("TEMPLATE", g["action"]);
        Assert.Equal("20261102T140000Z/20261102T150000Z", g["dates"]);
        Assert.Equal("Session with Maya Thompson", g["text"]);
        Assert.Equal(invite.Description, g["details"]);
        Assert.Equal(MeetingUrl, g["location"]);

        Assert.Equal("outlook.live.com", outlook.Host);
        Assert.Equal("/calendar/0/deeplink/compose", outlook.AbsolutePath);
        var o = Query(outlook);
        Assert.Equal("2026-11-02T14:00:00Z", o["startdt"]);
        Assert.Equal("2026-11-02T15:00:00Z", o["enddt"]);
        Assert.Equal("Session with Maya Thompson", o["subject"]);
        Assert.Equal(invite.Description, o["body"]);
        Assert.Equal(MeetingUrl, o["location"]);
        // The manage links' own query (a+b/c=&do=…) must not leak into the link's query.
        Assert.DoesNotContain("&do=", outlook.Query);
    }

    [Fact]
    public void Before_the_autumn_change_the_links_use_the_daylight_time_offset()
    {
        var invite = Invite(InNewYork(10, 30, 9));

        Assert.Equal("20261030T130000Z/20261030T140000Z", Query(new Uri(CalendarLinks.Google(invite)))["dates"]);
        Assert.Equal("2026-10-30T13:00:00Z", Query(new Uri(CalendarLinks.Outlook(invite)))["startdt"]);
    }

    [Fact]
    public void An_invite_that_ends_before_it_starts_is_refused()
    {
        var start = InNewYork(11, 2, 9);
        Assert.Throws<ArgumentException>(() => BookingInvites.Request(Invite(start) with { End = start }));
    }

    [Theory]
    // ical.js itself would accept all of these (rolling 31 November forward to 1 December, reading a
    // floating or unknown-zone time in the machine's zone); the validator must not.
    [InlineData("DTSTART;TZID=America/New_York:20261102T090000", "DTSTART;TZID=America/New_York:20261131T090000", "day 31")]
    [InlineData("DTSTART;TZID=America/New_York:20261102T090000", "DTSTART;TZID=America/New_York:20261102T240000", "out of range")]
    [InlineData("DTSTAMP:20261020T081530Z", "DTSTAMP:20261320T081530Z", "month 13")]
    [InlineData("DTSTART;TZID=America/New_York:", "DTSTART;TZID=Europe/Nowhere:", "no VTIMEZONE")]
    [InlineData("DTSTART;TZID=America/New_York:", "DTSTART:", "floating")]
    [InlineData("END:VEVENT", "END:VTODO", "does not close")]
    [InlineData("\r\nSTATUS:", "\nSTATUS:", "bare LF")]
    public void The_validator_refuses_what_ical_js_would_quietly_accept(string find, string replace, string message)
    {
        var ics = BookingInvites.Request(Invite(InNewYork(11, 2, 9)));
        Assert.Contains(find, ics);

        var error = Assert.Throws<Xunit.Sdk.XunitException>(() => IcsValidator.Validate(ics.Replace(find, replace)));

        Assert.Contains(message, error.Message);
    }

    private static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""));

    /// <summary>A name that tries to close the event and open an attacker's, with every character iCalendar treats specially.</summary>
    private const string HostileName = "Eve \"Ops\" ^x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:Free money; ROLE=CHAIR:a,b\\c";

    [Fact]
    public void A_name_with_line_breaks_and_quotes_stays_text_in_one_VEVENT_of_both_invites()
    {
        var invite = Invite(InNewYork(11, 2, 9)) with
        {
            Summary = "Session with " + HostileName,
            Description = "Notes:\n" + HostileName,
            Organizer = new InviteParty(HostileName, "maya@consulting.test"),
            Attendee = new InviteParty(HostileName, "guest@example.com"),
        };

        foreach (var ics in new[] { BookingInvites.Request(invite), BookingInvites.Cancel(invite with { Sequence = 1 }) })
        {
            var e = Assert.Single(IcsValidator.Validate(ics).Events);
            // RFC 6868 carries the line break in a parameter as ^n, which ical.js reads back as a newline.
            var asRead = HostileName.Replace("\r\n", "\n");
            Assert.Equal(BookingInvites.Uid(BookingId), e.Uid);
            Assert.Equal(asRead, e.Organizer!.Cn);
            Assert.Equal(asRead, Assert.Single(e.Attendees).Cn);
            Assert.Equal("mailto:guest@example.com", e.Attendees[0].Value);
            Assert.Equal("Session with " + asRead, e.Summary);
            Assert.Equal("Notes:\n" + asRead, e.Description);
            Assert.DoesNotContain("\r\nUID:evil", ics);
        }
    }
}

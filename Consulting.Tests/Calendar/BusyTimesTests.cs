using Consulting.Web.Calendar;
using NodaTime;

namespace Consulting.Tests.Calendar;

/// <summary>
/// Calendar files as Google, Outlook and hand-written clients publish them, expanded into the busy
/// intervals that block slots. The specialist works in Madrid (CET, UTC+1 in November).
/// </summary>
[NoDatabase]
public sealed class BusyTimesTests
{
    private static readonly DateTimeZone Madrid = DateTimeZoneProviders.Tzdb["Europe/Madrid"];
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 2, 12, 0);

    internal static string Ics(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Calendar", "Ics", name));

    private static Instant Utc(int year, int month, int day, int hour, int minute = 0) => Instant.FromUtc(year, month, day, hour, minute);

    private static List<(Instant, Instant)> Busy(string file, Instant? from = null, Instant? to = null)
    {
        var read = BusyTimes.Read(Ics(file), Madrid, from ?? Now, to ?? Now + Duration.FromDays(60));
        Assert.Null(read.Problem);
        return read.Busy.Select(b => (b.Start, b.End)).ToList();
    }

    [Fact]
    public void A_weekly_New_York_meeting_keeps_its_wall_time_across_the_2027_03_14_change_with_its_exdate_rdate_and_moved_occurrence()
    {
        // America/New_York springs forward at 02:00 on 2027-03-14: 09:00 is 14:00Z before, 13:00Z after.
        Assert.Equal(
        [
            (Utc(2027, 3, 1, 14), Utc(2027, 3, 1, 15)),
            // 8 March is an EXDATE; 10 March an RDATE.
            (Utc(2027, 3, 10, 14), Utc(2027, 3, 10, 15)),
            (Utc(2027, 3, 15, 13), Utc(2027, 3, 15, 14)),
            // 22 March moved by RECURRENCE-ID to the 23rd, 14:00–15:00 EDT.
            (Utc(2027, 3, 23, 18), Utc(2027, 3, 23, 19)),
            (Utc(2027, 3, 29, 13), Utc(2027, 3, 29, 14)),
            (Utc(2027, 4, 5, 13), Utc(2027, 4, 5, 14)),
        ], Busy("weekly-new-york.ics", Utc(2027, 2, 20, 0), Utc(2027, 5, 1, 0)));
    }

    [Fact]
    public void An_all_day_event_is_the_whole_day_in_the_specialists_zone() =>
        Assert.Equal([(Utc(2026, 11, 10, 23), Utc(2026, 11, 11, 23))], Busy("all-day.ics"));

    [Fact]
    public void A_floating_time_is_read_in_the_specialists_zone() =>
        Assert.Equal([(Utc(2026, 11, 12, 9), Utc(2026, 11, 12, 10))], Busy("floating.ics"));

    [Fact]
    public void Transparent_and_cancelled_events_do_not_block() =>
        Assert.Equal([(Utc(2026, 11, 11, 11), Utc(2026, 11, 11, 11, 30))], Busy("transparent-cancelled.ics"));

    [Fact]
    public void A_multi_day_event_blocks_from_its_start_to_its_end() =>
        Assert.Equal([(Utc(2026, 11, 16, 15), Utc(2026, 11, 18, 10))], Busy("multi-day.ics"));

    [Fact]
    public void An_Outlook_file_with_a_Windows_zone_name_is_read_in_that_zone() =>
        // "Eastern Standard Time" is America/New_York, still EST (UTC−5) on 10 November.
        Assert.Equal([(Utc(2026, 11, 10, 13), Utc(2026, 11, 10, 14, 30))], Busy("outlook.ics"));

    [Fact]
    public void A_custom_zone_is_read_by_the_files_own_VTIMEZONE_rules_on_both_sides_of_its_clock_change() =>
        // "Customized Time Zone" (as Outlook names a zone it has no standard name for) is defined only in
        // the file: UTC−3:30, and UTC−2:30 from the second Sunday of March at 02:00, 2027-03-14. Its
        // Monday 10:00 meeting is 13:30Z before that and 12:30Z after; Madrid (the fallback) would say 09:00Z.
        Assert.Equal(
        [
            (Utc(2027, 3, 1, 13, 30), Utc(2027, 3, 1, 14, 30)),
            (Utc(2027, 3, 8, 13, 30), Utc(2027, 3, 8, 14, 30)),
            (Utc(2027, 3, 15, 12, 30), Utc(2027, 3, 15, 13, 30)),
        ], Busy("custom-zone.ics", Utc(2027, 2, 20, 0), Utc(2027, 5, 1, 0)));

    [Fact]
    public void A_TZID_nobody_defines_is_read_in_the_specialists_zone()
    {
        var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Unknown zone//EN\r\nBEGIN:VEVENT\r\nUID:u@test\r\nDTSTAMP:20261101T000000Z\r\n"
            + "DTSTART;TZID=Nowhere Special Time:20261111T100000\r\nDTEND;TZID=Nowhere Special Time:20261111T110000\r\n"
            + "RRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        var read = BusyTimes.Read(text, Madrid, Now, Now + Duration.FromDays(60));
        Assert.Null(read.Problem);
        // Madrid is UTC+1 in November.
        Assert.Equal([new BusyInterval(Utc(2026, 11, 11, 9), Utc(2026, 11, 11, 10)), new BusyInterval(Utc(2026, 11, 12, 9), Utc(2026, 11, 12, 10))], read.Busy);
    }

    [Fact]
    public void A_Google_file_expands_its_weekly_event_until_its_end_and_keeps_its_UTC_event() =>
        Assert.Equal(
        [
            (Utc(2026, 11, 4, 11), Utc(2026, 11, 4, 12)),
            (Utc(2026, 11, 11, 11), Utc(2026, 11, 11, 12)),
            (Utc(2026, 11, 13, 8), Utc(2026, 11, 13, 9)),
            (Utc(2026, 11, 18, 11), Utc(2026, 11, 18, 12)),
        ], Busy("google.ics"));

    [Fact]
    public void Only_what_overlaps_the_window_is_kept() =>
        Assert.Empty(Busy("google.ics", Utc(2026, 11, 19, 0), Utc(2026, 12, 31, 0)));

    [Fact]
    public void A_web_page_is_not_a_calendar()
    {
        var read = BusyTimes.Read("<!doctype html><html><body>Sign in</body></html>", Madrid, Now, Now + Duration.FromDays(60));
        Assert.Contains("doesn’t return a calendar", read.Problem);
        Assert.Empty(read.Busy);
    }

    [Fact]
    public void The_apps_own_feed_is_recognised()
    {
        var own = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Consulting//Bookings//EN\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20261101T000000Z\r\n"
            + "DTSTART:20261111T100000Z\r\nDTEND:20261111T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        var read = BusyTimes.Read(own, Madrid, Now, Now + Duration.FromDays(60));
        Assert.True(read.OwnFeed);
        Assert.Empty(read.Busy);
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    public void Private_loopback_and_link_local_addresses_are_not_public(string address, bool isPublic) =>
        Assert.Equal(isPublic, CalendarFetcher.IsPublic(System.Net.IPAddress.Parse(address)));
}

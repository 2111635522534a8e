using Consulting.Tests.Calendar;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Calendar;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using NodaTime.Text;

namespace Consulting.Tests.Pages.Specialist;

/// <summary>
/// Each calendar file of Calendar/Ics, served from loopback and added on the availability page: which
/// times a customer is then offered on the specialist's public week page. The specialist works
/// weekdays 09:00–20:00 in Madrid in hourly slots; Madrid is UTC+1 until 2027-03-28, so a slot is
/// 08:00Z–18:00Z on the days below, except where noted. Blocked starts are in UTC; every other slot
/// of the day listed must be offered.
/// </summary>
public sealed class ExternalCalendarOffersTests
{
    private static readonly DateTimeZone Madrid = DateTimeZoneProviders.Tzdb["Europe/Madrid"];
    private static readonly string November = "2026-11-02T12:00:00Z";
    /// <summary>Three weeks before America/New_York springs forward (02:00 on Sunday 2027-03-14).</summary>
    private static readonly string February = "2027-02-22T12:00:00Z";

    public sealed record Case(string File, string Now, string[] Days, string[] Blocked)
    {
        public override string ToString() => File;
    }

    public static TheoryData<Case> Cases => new()
    {
        new("all-day.ics", November, ["2026-11-11", "2026-11-12"],
            // The whole of Wednesday in Madrid; Thursday untouched.
            ["2026-11-11T08:00Z", "2026-11-11T09:00Z", "2026-11-11T10:00Z", "2026-11-11T11:00Z", "2026-11-11T12:00Z", "2026-11-11T13:00Z",
             "2026-11-11T14:00Z", "2026-11-11T15:00Z", "2026-11-11T16:00Z", "2026-11-11T17:00Z", "2026-11-11T18:00Z"]),
        // Thursday 10:00–11:00 with no zone: Madrid's 10:00.
        new("floating.ics", November, ["2026-11-12"], ["2026-11-12T09:00Z"]),
        // Transparent 09:00Z and cancelled 10:00Z leave their slots offered; the opaque 11:00–11:30Z blocks one.
        new("transparent-cancelled.ics", November, ["2026-11-11"], ["2026-11-11T11:00Z"]),
        // Monday 15:00Z to Wednesday 10:00Z: Monday's last slots, all of Tuesday, Wednesday until 10:00Z.
        new("multi-day.ics", November, ["2026-11-16", "2026-11-17", "2026-11-18"],
            ["2026-11-16T15:00Z", "2026-11-16T16:00Z", "2026-11-16T17:00Z", "2026-11-16T18:00Z",
             "2026-11-17T08:00Z", "2026-11-17T09:00Z", "2026-11-17T10:00Z", "2026-11-17T11:00Z", "2026-11-17T12:00Z", "2026-11-17T13:00Z",
             "2026-11-17T14:00Z", "2026-11-17T15:00Z", "2026-11-17T16:00Z", "2026-11-17T17:00Z", "2026-11-17T18:00Z",
             "2026-11-18T08:00Z", "2026-11-18T09:00Z"]),
        // "Eastern Standard Time" 08:00–09:30, EST (UTC−5) on 10 November: 13:00Z–14:30Z, two slots.
        new("outlook.ics", November, ["2026-11-10"], ["2026-11-10T13:00Z", "2026-11-10T14:00Z"]),
        // Weekly Wednesday 12:00 Madrid until the 18th, and a UTC event on Friday the 13th; the 25th is free again.
        new("google.ics", November, ["2026-11-04", "2026-11-11", "2026-11-13", "2026-11-18", "2026-11-25"],
            ["2026-11-04T11:00Z", "2026-11-11T11:00Z", "2026-11-13T08:00Z", "2026-11-18T11:00Z"]),
        // Monday 09:00 New York: 14:00Z in EST, 13:00Z in EDT from 2027-03-14. The 8th is an EXDATE (its
        // slot offered), the 10th an RDATE; the 22nd moved to the 23rd 14:00 EDT (18:00Z), so the 22nd
        // is offered and the 23rd blocked. Madrid moves to UTC+2 on 2027-03-28: from the 29th its slots
        // are 07:00Z–17:00Z. COUNT=6 ends with 5 April, so the 12th is offered.
        new("weekly-new-york.ics", February,
            ["2027-03-01", "2027-03-08", "2027-03-10", "2027-03-15", "2027-03-22", "2027-03-23", "2027-03-29", "2027-04-05", "2027-04-12"],
            ["2027-03-01T14:00Z", "2027-03-10T14:00Z", "2027-03-15T13:00Z", "2027-03-23T18:00Z", "2027-03-29T13:00Z", "2027-04-05T13:00Z"]),
        // Monday 10:00 in the file's own "Customized Time Zone": UTC−3:30 (13:30Z–14:30Z), UTC−2:30 from
        // 2027-03-14 (12:30Z–13:30Z); each meeting overlaps two hourly slots. COUNT=3.
        new("custom-zone.ics", February, ["2027-03-01", "2027-03-08", "2027-03-15", "2027-03-22"],
            ["2027-03-01T13:00Z", "2027-03-01T14:00Z", "2027-03-08T13:00Z", "2027-03-08T14:00Z", "2027-03-15T12:00Z", "2027-03-15T13:00Z"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_calendar_files_busy_times_are_the_slots_customers_are_not_offered(Case c)
    {
        using var app = new AppFactory
        {
            Clock = new FakeClock(InstantPattern.General.Parse(c.Now).Value),
            TestServices = s => s.Configure<ExternalCalendarOptions>(o => o.AllowPrivateAddresses = true),
        };
        await using var server = await CalendarServer.StartAsync();
        var me = await app.CreateSignedInAsync("Europe/Madrid", (s, now) =>
        {
            foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
                s.AddWindow(day, new TimeWindow(new LocalTime(9, 0), new LocalTime(20, 0), 60), now);
        });
        await app.ApplyScheduleAsync(me.Id);
        var slug = await app.WithDbAsync(db => db.Specialists.Where(p => p.Id == me.Id).Select(p => p.Slug).SingleAsync());

        await (await AvailabilityPage.OpenAsync(me.Client)).AddCalendarAsync("Mine", server.Url(c.File));
        await app.RunCalendarWorkAsync();
        Assert.Null(await app.WithDbAsync(db => db.ExternalCalendars.Select(x => x.LastError).SingleAsync()));

        var days = c.Days.Select(d => LocalDatePattern.Iso.Parse(d).Value).ToList();
        var blocked = c.Blocked.Select(b => InstantPattern.General.Parse(b.Replace("Z", ":00Z")).Value).ToHashSet();
        var offered = new HashSet<Guid>();
        foreach (var monday in days.Select(d => d.PlusDays(1 - (int)d.DayOfWeek)).Distinct())
        {
            var week = await OpenTimesPage.OpenAsync(app.CreateBrowserLikeClient(), slug, monday.ToString("yyyy-MM-dd", null), "Europe/Madrid");
            offered.UnionWith(week.OfferedSlotIds);
        }
        var slots = await app.WithDbAsync(db => db.Slots.AsNoTracking().Where(s => s.SpecialistId == me.Id).ToListAsync());
        foreach (var day in days)
        {
            var ofDay = slots.Where(s => s.Start.InZone(Madrid).Date == day).OrderBy(s => s.Start).ToList();
            Assert.Equal(11, ofDay.Count);
            // What the customer sees, and what they'd see if the calendar blocked exactly the expected starts.
            var seen = ofDay.Where(s => offered.Contains(s.Id)).Select(s => Format(s.Start)).ToList();
            var expected = ofDay.Where(s => !blocked.Contains(s.Start)).Select(s => Format(s.Start)).ToList();
            Assert.Equal(expected, seen);
        }
        Assert.All(blocked, b => Assert.Contains(b, slots.Select(s => s.Start)));
    }

    private static string Format(Instant start) => InstantPattern.General.Format(start);
}

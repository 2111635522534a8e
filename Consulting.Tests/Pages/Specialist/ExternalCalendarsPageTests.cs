using System.Net;
using AngleSharp.Html.Dom;
using Consulting.Tests.Calendar;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Calendar;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Pages.Specialist;

/// <summary>
/// A specialist adds their own calendars on the availability page; a worker fetches them (the tests
/// run its turn themselves: <see cref="CalendarWork"/>), and the busy times block slots for customers
/// and show in the month calendar. The clock stands at Monday 2 Nov 2026 12:00Z; the
/// specialist works weekdays 09:00–13:00 in Madrid (CET, UTC+1) in hourly slots. The calendar server
/// runs on loopback, so private addresses are allowed here (the SSRF rules: CalendarFetcherTests).
/// </summary>
public sealed class ExternalCalendarsPageTests : IAsyncLifetime
{
    private static readonly DateTimeZone Madrid = DateTimeZoneProviders.Tzdb["Europe/Madrid"];
    private static readonly LocalDate Wednesday = new(2026, 11, 11);
    private static readonly LocalDate Thursday = new(2026, 11, 12);

    private readonly AppFactory _app = new()
    {
        TestServices = s => s.Configure<ExternalCalendarOptions>(o => o.AllowPrivateAddresses = true),
    };
    private CalendarServer _server = null!;

    public async Task InitializeAsync() => _server = await CalendarServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _app.Dispose();
    }

    private sealed record Specialist(TestSpecialist Me, string Slug);

    private async Task<Specialist> SpecialistAsync()
    {
        var me = await _app.CreateSignedInAsync("Europe/Madrid", (s, now) =>
        {
            foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
                s.AddWindow(day, new TimeWindow(new LocalTime(9, 0), new LocalTime(13, 0), 60), now);
        });
        await _app.ApplyScheduleAsync(me.Id);
        var slug = await _app.WithDbAsync(db => db.Specialists.Where(p => p.Id == me.Id).Select(p => p.Slug).SingleAsync());
        return new Specialist(me, slug);
    }

    /// <summary>What the background runner does a moment later: the syncs that are due, then the reconciles they queued.</summary>
    private Task RunBackgroundAsync() => _app.RunCalendarWorkAsync();

    /// <summary>The calendar list as the page's poll (htmx) fetches it.</summary>
    private static async Task<AvailabilityPage> PolledListAsync(TestSpecialist me)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/specialist/availability?handler=Calendars");
        request.Headers.Add("HX-Request", "true");
        var response = await me.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("HX-Request", response.Headers.Vary);
        return await AvailabilityPage.ReadAsync(me.Client, response);
    }

    private static Instant At(LocalDate date, int hour) => date.At(new LocalTime(hour, 0)).InZoneStrictly(Madrid).ToInstant();

    private Task<List<Slot>> SlotsAsync(Guid specialistId) => _app.WithDbAsync(db =>
        db.Slots.AsNoTracking().Where(s => s.SpecialistId == specialistId).OrderBy(s => s.Start).ToListAsync());

    /// <summary>Central European zones: one per look at the week page, whose view is cached for 2 s per zone.</summary>
    private static readonly string[] ViewerZones = ["Europe/Madrid", "Europe/Paris", "Europe/Berlin", "Europe/Rome", "Europe/Vienna", "Europe/Brussels", "Europe/Amsterdam", "Europe/Prague"];
    private int _looks;

    /// <summary>The starts (Madrid hours on <paramref name="date"/>) a customer is offered on the public week page.</summary>
    private async Task<List<int>> OfferedHoursAsync(Specialist s, LocalDate date)
    {
        var zone = ViewerZones[_looks++ % ViewerZones.Length];
        var page = await OpenTimesPage.OpenAsync(_app.CreateBrowserLikeClient(), s.Slug, "2026-11-09", zone);
        var offered = page.OfferedSlotIds.ToHashSet();
        return (await SlotsAsync(s.Me.Id)).Where(x => offered.Contains(x.Id) && x.Start.InZone(Madrid).Date == date)
            .Select(x => x.Start.InZone(Madrid).Hour).ToList();
    }

    private static async Task<HttpResponseMessage> AddCalendarAsync(TestSpecialist me, string name, string address, bool htmx = false) =>
        await (await AvailabilityPage.OpenAsync(me.Client)).AddCalendarAsync(name, address, htmx);

    private static async Task<HttpResponseMessage> SyncAsync(TestSpecialist me, bool htmx = false) =>
        await (await AvailabilityPage.OpenAsync(me.Client)).SyncFirstCalendarAsync(htmx);

    [Fact]
    public async Task An_all_day_event_takes_the_day_away_from_customers_shows_in_the_month_and_comes_back_when_the_calendar_goes()
    {
        var s = await SpecialistAsync();
        Assert.Equal([9, 10, 11, 12], await OfferedHoursAsync(s, Wednesday));

        var added = await AddCalendarAsync(s.Me, "Personal", _server.Url("all-day.ics"));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.EndsWith("/specialist/availability#external-calendars", added.Headers.Location!.OriginalString);
        // The request didn't wait for the calendar server: the page says a worker is on it, and a reload shows the result.
        Assert.Empty(_server.IfNoneMatchSeen);
        var syncing = (await AvailabilityPage.OpenAsync(s.Me.Client)).CalendarItems[0];
        Assert.Contains("Syncing…", syncing.TextContent);
        Assert.Contains("Reload this page", syncing.QuerySelector("noscript")!.TextContent);
        Assert.Equal(1, await _app.SyncDueCalendarsAsync());
        var calendar = await _app.WithDbAsync(db => db.ExternalCalendars.AsNoTracking().SingleAsync());
        Assert.Null(calendar.LastError);
        // What a database dump would show: neither the address nor its host.
        var stored = Assert.Single(await _app.WithDbAsync(db => db.Database
            .SqlQueryRaw<string>("""SELECT "Address" AS "Value" FROM "ExternalCalendars" """).ToListAsync()));
        Assert.DoesNotContain("all-day", stored);
        Assert.DoesNotContain("127.0.0.1", stored);
        Assert.Equal(1, await _app.WithDbAsync(db => db.BusyPeriods.CountAsync()));
        Assert.Equal(1, await _app.WithDbAsync(db => db.GenerationJobs.CountAsync(j => j.State == JobState.Queued)));
        await RunBackgroundAsync();

        Assert.Empty(await OfferedHoursAsync(s, Wednesday));
        Assert.Equal([9, 10, 11, 12], await OfferedHoursAsync(s, Thursday));
        // The slots stay, only not offered: they come back when the busy time goes.
        Assert.All((await SlotsAsync(s.Me.Id)).Where(x => x.Day == Wednesday), x => Assert.Equal(SlotUnavailability.Busy, x.Unavailability));

        var page = await AvailabilityPage.OpenAsync(s.Me.Client);
        var item = Assert.Single(page.Calendars);
        Assert.Contains("Personal", item);
        Assert.Contains("Last synced Mon 2 Nov 2026, 13:00", item);
        // The address is a secret: only its host is shown.
        Assert.DoesNotContain("/ics/all-day.ics", page.Document.DocumentElement.OuterHtml);
        Assert.Contains("http://127.0.0.1/••••••", item);

        var month = await s.Me.Client.GetPageAsync("/specialist/calendar?year=2026&month=11");
        var day = month.QuerySelector("#cal-2026-11-11") ?? month.QuerySelectorAll("[role=gridcell]").Single(c => c.GetAttribute("aria-label") == "Wednesday 11 November");
        Assert.Contains("Busy in Personal", day.TextContent);
        Assert.Contains("all day", day.TextContent);
        Assert.DoesNotContain("Dentist", month.DocumentElement.OuterHtml);

        // Removing it with htmx swaps the section; the day is offered again once the reconcile has run.
        var removed = await (await AvailabilityPage.OpenAsync(s.Me.Client)).RemoveFirstCalendarAsync(htmx: true);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        var fragment = await AvailabilityPage.ReadAsync(s.Me.Client, removed);
        Assert.Null(fragment.Document.QuerySelector("html main"));
        Assert.NotNull(fragment.Document.QuerySelector("#external-calendars"));
        Assert.Empty(fragment.Calendars);
        await RunBackgroundAsync();
        Assert.Equal([9, 10, 11, 12], await OfferedHoursAsync(s, Wednesday));
        Assert.Equal(0, await _app.WithDbAsync(db => db.BusyPeriods.CountAsync()));
    }

    [Fact]
    public async Task Adding_with_htmx_returns_the_section_with_the_status_and_a_booked_session_under_a_busy_time_is_a_conflict()
    {
        var s = await SpecialistAsync();
        var slot = (await SlotsAsync(s.Me.Id)).Single(x => x.Start == At(Thursday, 10));
        var booking = await _app.ConfirmedBookingAsync(slot);

        // floating.ics: Thursday 10:00–11:00 with no zone, so the specialist's.
        var added = await AddCalendarAsync(s.Me, "Gym", _server.Url("floating.ics"), htmx: true);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var fragment = await AvailabilityPage.ReadAsync(s.Me.Client, added);
        Assert.Contains("Gym", fragment.Calendars[0]);
        Assert.Contains("Syncing…", fragment.Calendars[0]);
        // The list polls itself (inside the live region that stays) until the worker has been.
        var live = fragment.Document.QuerySelector("#calendar-list[aria-live=polite]")!;
        var poller = live.QuerySelector("ul.external-calendars")!;
        Assert.Equal("every 1s", poller.GetAttribute("hx-trigger"));
        Assert.Contains("handler=Calendars", poller.GetAttribute("hx-get"));
        Assert.Contains("Syncing…", (await PolledListAsync(s.Me)).Calendars[0]);

        await RunBackgroundAsync();
        var polled = await PolledListAsync(s.Me);
        Assert.Null(polled.Document.QuerySelector("html main"));
        Assert.Contains("1 busy time ahead", polled.Calendars[0]);
        Assert.DoesNotContain("Syncing", polled.Document.DocumentElement.TextContent);
        Assert.Null(polled.Document.QuerySelector("[hx-trigger]"));
        // Without htmx the same address is the whole page.
        var whole = await s.Me.Client.GetPageAsync("/specialist/availability?handler=Calendars");
        Assert.Contains("1 busy time ahead", whole.QuerySelector("main #calendar-list")!.TextContent);

        Assert.Equal([9, 11, 12], await OfferedHoursAsync(s, Thursday));
        var booked = (await SlotsAsync(s.Me.Id)).Single(x => x.Id == slot.Id);
        Assert.Equal(SlotState.Booked, booked.State);
        Assert.Equal(booking.Id, booked.BookingId);
        var page = await s.Me.Client.GetPageAsync("/specialist/availability");
        Assert.Contains("overlaps a busy time", page.QuerySelector("#conflicts")!.TextContent);
    }

    [Fact]
    public async Task A_failed_sync_shows_the_problem_and_keeps_the_last_good_busy_times_and_a_304_keeps_them_too()
    {
        var s = await SpecialistAsync();
        await AddCalendarAsync(s.Me, "Personal", _server.Url("google.ics"));
        await RunBackgroundAsync();
        var busy = await _app.WithDbAsync(db => db.BusyPeriods.OrderBy(b => b.Start).Select(b => b.Start).ToListAsync());
        Assert.Equal(4, busy.Count);

        // Later: "Sync now" with nothing changed sends the ETag and gets a 304.
        _app.Clock.AdvanceMinutes(30);
        Assert.Equal(HttpStatusCode.Redirect, (await SyncAsync(s.Me)).StatusCode);
        Assert.Equal(0, _server.NotModifiedCount);
        Assert.Equal(1, await _app.SyncDueCalendarsAsync());
        Assert.Equal(1, _server.NotModifiedCount);
        Assert.Equal(busy, await _app.WithDbAsync(db => db.BusyPeriods.OrderBy(b => b.Start).Select(b => b.Start).ToListAsync()));

        // The address stops working: the page says so, with the last good sync, and the busy times stay.
        _server.Override = c => { c.Response.StatusCode = StatusCodes.Status404NotFound; return Task.CompletedTask; };
        _app.Clock.AdvanceMinutes(30);
        var synced = await SyncAsync(s.Me, htmx: true);
        Assert.Contains("Syncing…", (await AvailabilityPage.ReadAsync(s.Me.Client, synced)).Calendars[0]);
        Assert.Equal(0, await _app.SyncDueCalendarsAsync());
        var item = (await PolledListAsync(s.Me)).Calendars[0];
        Assert.Contains("no calendar at this address (404)", item);
        Assert.Contains("Last synced Mon 2 Nov 2026, 13:30", item);
        Assert.Contains("stay in force", item);
        Assert.Equal(busy, await _app.WithDbAsync(db => db.BusyPeriods.OrderBy(b => b.Start).Select(b => b.Start).ToListAsync()));

        // HTML instead of a calendar (a sign-in page) is a problem too, not an empty calendar.
        _server.Override = c => { c.Response.ContentType = "text/html"; return c.Response.WriteAsync("<!doctype html><title>Sign in</title>"); };
        await SyncAsync(s.Me, htmx: true);
        await _app.SyncDueCalendarsAsync();
        var html = (await PolledListAsync(s.Me)).Calendars[0];
        Assert.Contains("doesn’t return a calendar", html);
        Assert.Equal(4, await _app.WithDbAsync(db => db.BusyPeriods.CountAsync()));
    }

    [Fact]
    public async Task The_periodic_job_syncs_calendars_that_are_due_and_leaves_the_others()
    {
        var s = await SpecialistAsync();
        await AddCalendarAsync(s.Me, "Personal", _server.Url("google.ics"));
        await using (var scope = _app.Services.CreateAsyncScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExternalCalendarSync>().RunDueAsync(default));
        var seen = _server.IfNoneMatchSeen.Count;
        await using (var scope = _app.Services.CreateAsyncScope())
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ExternalCalendarSync>().RunDueAsync(default));
        Assert.Equal(seen, _server.IfNoneMatchSeen.Count);

        _app.Clock.AdvanceMinutes(15);
        await using (var scope = _app.Services.CreateAsyncScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExternalCalendarSync>().RunDueAsync(default));
        Assert.Equal(seen + 1, _server.IfNoneMatchSeen.Count);
    }

    [Fact]
    public async Task Bad_addresses_and_the_specialists_own_feed_are_refused_beside_the_field()
    {
        var s = await SpecialistAsync();
        var bad = await AddCalendarAsync(s.Me, "Mine", "ftp://example.com/cal.ics");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("http or https", (await AvailabilityPage.ReadAsync(s.Me.Client, bad)).Error(AvailabilityPage.CalendarAddress));

        var own = await AddCalendarAsync(s.Me, "Mine", $"https://consulting.example.com/calendar/{s.Slug}/abcdef.ics", htmx: true);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("your own Consulting feed", (await AvailabilityPage.ReadAsync(s.Me.Client, own)).Error(AvailabilityPage.CalendarAddress));

        var noName = await AddCalendarAsync(s.Me, " ", _server.Url("google.ics"), htmx: true);
        Assert.Contains("Give the calendar a name", (await AvailabilityPage.ReadAsync(s.Me.Client, noName)).Error(AvailabilityPage.CalendarName));
        Assert.Equal(0, await _app.WithDbAsync(db => db.ExternalCalendars.CountAsync()));
    }
}

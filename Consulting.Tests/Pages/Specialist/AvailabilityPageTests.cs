using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Consulting.Web.Scheduling;
using NodaTime;

namespace Consulting.Tests.Pages.Specialist;

public sealed class AvailabilityPageTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private static void MondayMornings(AvailabilitySchedule s, Instant now) =>
        s.AddWindow(IsoDayOfWeek.Monday, new TimeWindow(new LocalTime(9, 0), new LocalTime(12, 0), 60), now);

    private Task<AvailabilitySchedule> ScheduleAsync(Guid specialistId) =>
        app.WithDbAsync(db => db.Schedules.AsNoTracking().SingleAsync(s => s.SpecialistId == specialistId));

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        var response = await app.CreateBrowserLikeClient().GetAsync("/specialist/availability");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task A_customer_gets_403_on_the_specialist_pages()
    {
        var client = app.CreateBrowserLikeClient();
        await client.SignInOrFailAsync(DemoData.CustomerEmail, DemoData.Password);

        foreach (var url in new[] { "/specialist/availability", "/specialist/calendar" })
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("You can't open this page", (await Html.ParseAsync(response)).QuerySelector("h1").Text());
        }
    }

    [Fact]
    public async Task Adding_a_window_without_htmx_saves_it_and_redirects_to_the_day()
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var response = await page.AddWindowAsync(IsoDayOfWeek.Wednesday, "13:30", "17:00", "45");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("#day-wednesday", response.Headers.Location?.OriginalString);
        var window = Assert.Single((await ScheduleAsync(me.Id)).Windows);
        Assert.Equal((IsoDayOfWeek.Wednesday, new LocalTime(13, 30), new LocalTime(17, 0), 45),
            (window.Weekday, window.Start, window.End, window.SlotMinutes));
        var after = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Equal(["13:30–17:00"], after.WindowTimes(IsoDayOfWeek.Wednesday));
        Assert.Equal("true", after.DayToggle(IsoDayOfWeek.Wednesday));
    }

    [Fact]
    public async Task Adding_and_removing_a_window_with_htmx_returns_just_the_day_fragment()
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var added = await page.AddWindowAsync(IsoDayOfWeek.Friday, "08:00", "10:00", "30", htmx: true);

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var fragment = await AvailabilityPage.ReadAsync(me.Client, added);
        Assert.Null(fragment.Document.QuerySelector("header.site-header"));
        Assert.Equal("day-friday", fragment.Document.Body!.FirstElementChild!.Id);
        Assert.Equal(["08:00–10:00"], fragment.WindowTimes(IsoDayOfWeek.Friday));

        var removed = await fragment.RemoveFirstWindowAsync(IsoDayOfWeek.Friday, htmx: true);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(0, (await AvailabilityPage.ReadAsync(me.Client, removed)).WindowCount);
        Assert.Empty((await ScheduleAsync(me.Id)).Windows);
    }

    [Theory]
    [InlineData("11:00", "13:00", "60", AvailabilityPage.WindowStart, "overlaps 09:00–12:00")]
    [InlineData("10:00", "09:00", "60", AvailabilityPage.WindowStart, "overlaps 09:00–12:00")]
    [InlineData("10:00", "10:00", "60", AvailabilityPage.WindowEnd, "The end must be after the start.")]
    [InlineData("13:00:30", "15:00", "60", AvailabilityPage.WindowStart, "Use hours and minutes only, like 13:00")]
    [InlineData("24:00", "02:00", "60", AvailabilityPage.WindowStart, "start at 00:00 instead")]
    [InlineData("13:00", "25:00", "60", AvailabilityPage.WindowEnd, "Enter a time like 09:30.")]
    [InlineData("13:00", "", "60", AvailabilityPage.WindowEnd, "Enter an end time.")]
    [InlineData("13:00", "13:30", "60", AvailabilityPage.WindowEnd, "shorter than one 60-minute slot")]
    [InlineData("13:00", "15:00", "4", AvailabilityPage.WindowSlotMinutes, "between 5 and 480 minutes")]
    [InlineData("13:00", "15:00", "481", AvailabilityPage.WindowSlotMinutes, "between 5 and 480 minutes")]
    [InlineData("13:00", "15:00", "abc", AvailabilityPage.WindowSlotMinutes, "Enter the slot length in minutes.")]
    [InlineData("", "15:00", "60", AvailabilityPage.WindowStart, "Enter a start time.")]
    public async Task An_invalid_window_shows_its_message_beside_the_field_and_saves_nothing(
        string start, string end, string minutes, string field, string message)
    {
        var me = await app.CreateSignedInAsync(schedule: MondayMornings);
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var plain = await page.AddWindowAsync(IsoDayOfWeek.Monday, start, end, minutes);
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        var full = await AvailabilityPage.ReadAsync(me.Client, plain);
        Assert.Contains(message, full.WindowError(IsoDayOfWeek.Monday, field));
        // Only the submitted day shows the message.
        Assert.Equal("", full.WindowError(IsoDayOfWeek.Tuesday, field));

        var htmx = await page.AddWindowAsync(IsoDayOfWeek.Monday, start, end, minutes, htmx: true);
        Assert.Equal(HttpStatusCode.OK, htmx.StatusCode);
        Assert.Contains(message, (await AvailabilityPage.ReadAsync(me.Client, htmx)).Error(field));

        var window = Assert.Single((await ScheduleAsync(me.Id)).Windows);
        Assert.Equal(new LocalTime(9, 0), window.Start);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "50.00", "0", AvailabilityPage.TimeZone, "is not a time zone we know")]
    [InlineData("EST", "50.00", "0", AvailabilityPage.TimeZone, "Type your city instead, e.g. New York (America/New_York)")]
    [InlineData("Etc/GMT+5", "50.00", "0", AvailabilityPage.TimeZone, "fixed offset from UTC")]
    [InlineData("Berl", "50.00", "0", AvailabilityPage.TimeZone, "Did you mean Europe/Berlin?")]
    [InlineData("Europe/Madrid", "-5", "0", AvailabilityPage.Price, "zero or more")]
    [InlineData("Europe/Madrid", "50.00", "-10", AvailabilityPage.BufferMinutes, "between 0 and 240")]
    [InlineData("Europe/Madrid", "50.00", "ten", AvailabilityPage.BufferMinutes, "whole minutes")]
    public async Task Invalid_settings_show_the_message_beside_the_field_and_save_nothing(
        string zone, string price, string buffer, string field, string message)
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var response = await page.SaveSettingsAsync(zone, price, bufferMinutes: buffer);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await AvailabilityPage.ReadAsync(me.Client, response)).Error(field));
        var schedule = await ScheduleAsync(me.Id);
        Assert.Equal(("Europe/Madrid", 5000L, 0), (schedule.TimeZoneId, schedule.DefaultPriceMinor, schedule.BufferMinutes));
    }

    [Fact]
    public async Task Valid_settings_are_saved()
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var response = await page.SaveSettingsAsync("Asia/Kathmandu", "75.50", "GBP", "10", "2026-12-01");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var s = await ScheduleAsync(me.Id);
        Assert.Equal(("Asia/Kathmandu", 7550L, "GBP", 10, new LocalDate(2026, 12, 1)),
            (s.TimeZoneId, s.DefaultPriceMinor, s.Currency, s.BufferMinutes, s.ActiveFrom));
    }

    [Fact]
    public async Task Date_exceptions_are_added_and_removed()
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var dayOff = await page.AddDayOffAsync("2026-12-24", "Holiday");
        Assert.Equal(HttpStatusCode.Redirect, dayOff.StatusCode);

        page = await AvailabilityPage.OpenAsync(me.Client);
        var hours = await page.AddSpecialHoursAsync("2026-12-27", "10:00", "12:00", "30", htmx: true);
        Assert.Equal(HttpStatusCode.OK, hours.StatusCode);
        var fragment = await AvailabilityPage.ReadAsync(me.Client, hours);
        Assert.Equal(2, fragment.ExceptionCount);
        Assert.Contains("10:00–12:00 (30 min, €50.00)", fragment.ExceptionsText);

        var s = await ScheduleAsync(me.Id);
        Assert.Equal([new LocalDate(2026, 12, 24), new LocalDate(2026, 12, 27)], s.Exceptions.Select(e => e.Date).Order());
        Assert.Equal(new LocalTime(10, 0), Assert.Single(s.WindowsFor(new LocalDate(2026, 12, 27))).Start);

        var removed = await fragment.RemoveFirstExceptionAsync(htmx: true);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal([new LocalDate(2026, 12, 27)], (await ScheduleAsync(me.Id)).Exceptions.Select(e => e.Date));
    }

    [Fact]
    public async Task An_exception_in_the_past_or_with_a_bad_window_is_refused()
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var past = await page.AddDayOffAsync("2026-10-01");
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("today or a later date", (await AvailabilityPage.ReadAsync(me.Client, past)).Error(AvailabilityPage.ExceptionDate));

        var badWindow = await page.AddSpecialHoursAsync("2026-12-01", "12:00", "12:00");
        Assert.Equal(HttpStatusCode.BadRequest, badWindow.StatusCode);
        Assert.Contains("after the start", (await AvailabilityPage.ReadAsync(me.Client, badWindow)).Error(AvailabilityPage.ExceptionWindowEnd));
        Assert.Empty((await ScheduleAsync(me.Id)).Exceptions);
    }

    [Fact]
    public async Task A_specialist_cannot_remove_another_specialists_window()
    {
        var victim = await app.CreateSignedInAsync(schedule: MondayMornings);
        var attacker = await app.CreateSignedInAsync(schedule: MondayMornings);
        var victimWindow = (await ScheduleAsync(victim.Id)).Windows.Single();

        var page = await AvailabilityPage.OpenAsync(attacker.Client);
        var response = await attacker.Client.PostWithTokenAsync(page.Document,
            $"/specialist/availability?handler=RemoveWindow&day=Monday&windowId={victimWindow.Id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Single((await ScheduleAsync(victim.Id)).Windows);
    }

    [Fact]
    public async Task A_booked_slot_that_no_longer_fits_the_hours_is_listed_as_a_conflict_and_kept()
    {
        var me = await app.CreateSignedInAsync("Europe/Madrid", MondayMornings);
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Consulting.Web.Scheduling.SlotGenerator>()
                .GenerateAsync(me.Id, new LocalDate(2026, 11, 9), new LocalDate(2026, 11, 9), false, CancellationToken.None);
        // Monday 9 Nov 10:00 in Madrid (CET) is 09:00 UTC; someone has booked it.
        var tenOClock = Instant.FromUtc(2026, 11, 9, 9, 0);
        await app.WithDbAsync(async db =>
        {
            var slot = await db.Slots.SingleAsync(x => x.SpecialistId == me.Id && x.Start == tenOClock);
            slot.Book(Guid.NewGuid());
            await db.SaveChangesAsync();
        });
        var page = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Equal(0, page.ConflictsSectionItems);

        var window = (await ScheduleAsync(me.Id)).Windows.Single();
        var removed = await page.RemoveFirstWindowAsync(IsoDayOfWeek.Monday);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        await app.RunDueGenerationAsync();

        var after = await AvailabilityPage.OpenAsync(me.Client);
        var conflict = Assert.Single(after.Conflicts);
        Assert.Contains("Booked", conflict.Text());
        Assert.Contains("Mon 9 Nov 2026, 10:00–11:00", conflict.Text());
        Assert.Equal(SlotState.Booked, (await app.WithDbAsync(db => db.Slots.AsNoTracking().SingleAsync(x => x.Start == tenOClock && x.SpecialistId == me.Id))).State);
        Assert.DoesNotContain((await ScheduleAsync(me.Id)).Windows, w => w.Id == window.Id);
    }
}

public sealed class AvailabilityInputTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private Task<AvailabilitySchedule> ScheduleAsync(Guid specialistId) =>
        app.WithDbAsync(db => db.Schedules.AsNoTracking().SingleAsync(s => s.SpecialistId == specialistId));

    private static async Task<HttpResponseMessage> AddWindowAsync(TestSpecialist me, IsoDayOfWeek day, string start, string end,
        string minutes = "60", bool htmx = false) =>
        await (await AvailabilityPage.OpenAsync(me.Client)).AddWindowAsync(day, start, end, minutes, price: "", htmx);

    [Theory]
    [InlineData("23:00", "24:00", "23:00–24:00")]
    [InlineData("23:00", "00:00", "23:00–24:00")]
    [InlineData("22:00", "02:00", "22:00–02:00 next day")]
    [InlineData("00:00", "24:00", "00:00–24:00")]
    public async Task A_window_may_end_at_midnight_or_run_past_it(string start, string end, string shown)
    {
        var me = await app.CreateSignedInAsync();

        var response = await AddWindowAsync(me, IsoDayOfWeek.Saturday, start, end);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var window = Assert.Single((await ScheduleAsync(me.Id)).Windows);
        Assert.Equal(TimeInput.TryTime(end, true, out var parsed, out _) ? parsed : default, window.End);
        Assert.Equal([shown], (await AvailabilityPage.OpenAsync(me.Client)).WindowTimes(IsoDayOfWeek.Saturday));
    }

    [Fact]
    public async Task A_date_exception_may_have_a_window_past_midnight_with_its_own_price()
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var response = await page.AddSpecialHoursAsync("2026-12-31", "22:00", "01:00", "30", "120", "New Year's Eve", htmx: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("22:00–01:00 next day (30 min, €120.00)", (await AvailabilityPage.ReadAsync(me.Client, response)).ExceptionsText);
        var window = Assert.Single(Assert.Single((await ScheduleAsync(me.Id)).Exceptions).Windows);
        Assert.Equal((new LocalTime(22, 0), new LocalTime(1, 0), 12000L), (window.Start, window.End, window.PriceMinor!.Value));
    }

    [Fact]
    public async Task A_window_running_into_the_next_days_window_is_refused_beside_the_field()
    {
        var me = await app.CreateSignedInAsync(schedule: (s, now) =>
            s.AddWindow(IsoDayOfWeek.Tuesday, new TimeWindow(new LocalTime(1, 0), new LocalTime(4, 0), 60), now));

        var response = await AddWindowAsync(me, IsoDayOfWeek.Monday, "22:00", "02:00");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await AvailabilityPage.ReadAsync(me.Client, response);
        Assert.Equal("This window overlaps Tuesday's 01:00–04:00.", refused.WindowError(IsoDayOfWeek.Monday, AvailabilityPage.WindowStart));
        var page = refused.Document;
        Assert.Equal("true", page.QuerySelector("#day-monday-start")!.GetAttribute("aria-invalid"));
        Assert.Equal("day-monday-Start-error", page.QuerySelector("#day-monday-start")!.GetAttribute("aria-describedby"));
        Assert.Single((await ScheduleAsync(me.Id)).Windows);
    }

    [Fact]
    public async Task A_window_wholly_inside_a_clock_change_is_saved_with_a_note_naming_the_date()
    {
        var me = await app.CreateSignedInAsync("America/New_York");

        // tzdb: America/New_York's clocks go from 02:00 EST to 03:00 EDT on Sunday 2027-03-14, within a year of now (2 Nov 2026).
        var response = await AddWindowAsync(me, IsoDayOfWeek.Sunday, "02:00", "03:00", "30", htmx: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await ScheduleAsync(me.Id)).Windows);
        Assert.Equal("No slots on Sun 14 Mar 2027: the clocks go forward through these hours that day.",
            (await AvailabilityPage.ReadAsync(me.Client, response)).WindowNote(IsoDayOfWeek.Sunday));
        Assert.Null((await AvailabilityPage.OpenAsync(me.Client)).WindowNote(IsoDayOfWeek.Saturday));
    }

    [Theory]
    [InlineData("  tokyo ", "Asia/Tokyo", null)]
    [InlineData("US/Eastern", "America/New_York", "older name for America/New_York")]
    public async Task A_zone_typed_in_the_settings_is_trimmed_and_found_and_an_older_name_is_said(string typed, string saved, string? notice)
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var plain = await page.SaveSettingsAsync(typed);
        Assert.Equal(HttpStatusCode.Redirect, plain.StatusCode);
        Assert.Equal(saved, (await ScheduleAsync(me.Id)).TimeZoneId);
        var after = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Equal(saved, after.TimeZoneValue);
        if (notice is not null) Assert.Contains(notice, after.Flash);

        var htmx = await after.SaveSettingsAsync(typed, htmx: true);
        var fragment = await AvailabilityPage.ReadAsync(me.Client, htmx);
        Assert.Equal("settings", fragment.Document.Body!.FirstElementChild!.Id);
        if (notice is not null) Assert.Contains(notice, fragment.SettingsNotice);
        else Assert.Null(fragment.SettingsNotice);
    }

    [Fact]
    public async Task Changing_the_currency_says_that_window_prices_were_reset()
    {
        var me = await app.CreateSignedInAsync(schedule: (s, now) =>
            s.AddWindow(IsoDayOfWeek.Friday, new TimeWindow(new LocalTime(18, 0), new LocalTime(20, 0), 60, 9000), now));
        var page = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Contains("€90.00", page.WindowPriceText(IsoDayOfWeek.Friday));

        var response = await page.SaveSettingsAsync(price: "40", currency: "GBP", htmx: true);

        Assert.Contains("now charge your default price", (await AvailabilityPage.ReadAsync(me.Client, response)).SettingsNotice);
        var after = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Contains("£40.00", after.WindowPriceText(IsoDayOfWeek.Friday));
        Assert.Null(Assert.Single((await ScheduleAsync(me.Id)).Windows).PriceMinor);
    }

    [Theory]
    [InlineData("", "", "", null, null, null)]
    [InlineData("1.5", "30", "3", 90, 30, 3)]
    [InlineData("0", "1", "", 0, 1, null)]
    public async Task Booking_rules_are_saved_and_empty_means_the_usual_setting(string notice, string days, string cap,
        int? noticeMinutes, int? horizonDays, int? maxPerDay)
    {
        var me = await app.CreateSignedInAsync(schedule: (s, now) => s.SetBookingRules(600, 90, 8, now));
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var response = await page.SaveBookingRulesAsync(notice, days, cap);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var s = await ScheduleAsync(me.Id);
        Assert.Equal((noticeMinutes, horizonDays, maxPerDay), (s.MinimumNoticeMinutes, s.HorizonDays, s.MaxSessionsPerDay));
        var after = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Equal((notice, "2"), after.MinimumNoticeField);
    }

    [Theory]
    [InlineData("two", "", "", AvailabilityPage.MinimumNoticeHours, "Enter hours like 2 or 1.5")]
    [InlineData("0.01", "", "", AvailabilityPage.MinimumNoticeHours, "whole minutes")]
    [InlineData("1000", "", "", AvailabilityPage.MinimumNoticeHours, "between 0 and 720 hours")]
    [InlineData("", "400", "", AvailabilityPage.HorizonDays, "between 1 and 365 days")]
    [InlineData("", "-1", "", AvailabilityPage.HorizonDays, "whole number of days")]
    [InlineData("", "", "0", AvailabilityPage.MaxSessionsPerDay, "between 1 and 96 sessions")]
    [InlineData("72", "2", "", AvailabilityPage.HorizonDays, "longer than the minimum notice")]
    public async Task Invalid_booking_rules_show_the_message_beside_the_field_and_save_nothing(string notice, string days, string cap,
        string field, string message)
    {
        var me = await app.CreateSignedInAsync();
        var page = await AvailabilityPage.OpenAsync(me.Client);

        var plain = await page.SaveBookingRulesAsync(notice, days, cap);
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains(message, (await AvailabilityPage.ReadAsync(me.Client, plain)).Error(field));

        var htmx = await page.SaveBookingRulesAsync(notice, days, cap, htmx: true);
        Assert.Equal(HttpStatusCode.OK, htmx.StatusCode);
        var fragment = await AvailabilityPage.ReadAsync(me.Client, htmx);
        Assert.Equal("rules", fragment.Document.Body!.FirstElementChild!.Id);
        Assert.Contains(message, fragment.Error(field));

        var s = await ScheduleAsync(me.Id);
        Assert.Equal((null, null, null), (s.MinimumNoticeMinutes, s.HorizonDays, s.MaxSessionsPerDay));
        Assert.Empty(await app.WithDbAsync(db => db.GenerationJobs.Where(j => j.SpecialistId == me.Id).ToListAsync()));
    }
}

using System.Net;
using Consulting.Tests.Support;
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
    private static readonly Dictionary<string, string> Htmx = new() { ["HX-Request"] = "true" };

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
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await me.Client.SubmitAsync(page, "#day-wednesday form.add-window", new Dictionary<string, string>
        {
            ["Window.Start"] = "13:30", ["Window.End"] = "17:00", ["Window.SlotMinutes"] = "45",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("#day-wednesday", response.Headers.Location?.OriginalString);
        var window = Assert.Single((await ScheduleAsync(me.Id)).Windows);
        Assert.Equal((IsoDayOfWeek.Wednesday, new LocalTime(13, 30), new LocalTime(17, 0), 45),
            (window.Weekday, window.Start, window.End, window.SlotMinutes));
        var after = await me.Client.GetPageAsync("/specialist/availability");
        Assert.Equal("13:30–17:00", after.QuerySelector("#day-wednesday .window-time").Text());
        Assert.Equal("true", after.QuerySelector("#day-wednesday .toggle")!.GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task Adding_and_removing_a_window_with_htmx_returns_just_the_day_fragment()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var added = await me.Client.SubmitAsync(page, "#day-friday form.add-window", new Dictionary<string, string>
        {
            ["Window.Start"] = "08:00", ["Window.End"] = "10:00", ["Window.SlotMinutes"] = "30",
        }, Htmx);

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var fragment = await Html.ParseAsync(added);
        Assert.Null(fragment.QuerySelector("header.site-header"));
        Assert.Equal("day-friday", fragment.Body!.FirstElementChild!.Id);
        Assert.Equal("08:00–10:00", fragment.QuerySelector(".window-time").Text());

        var removed = await me.Client.SubmitAsync(fragment, "#day-friday .window form", headers: Htmx);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Empty((await Html.ParseAsync(removed)).QuerySelectorAll(".window"));
        Assert.Empty((await ScheduleAsync(me.Id)).Windows);
    }

    [Theory]
    [InlineData("11:00", "13:00", "60", "Window.Start", "overlaps 09:00–12:00")]
    [InlineData("10:00", "09:00", "60", "Window.Start", "overlaps 09:00–12:00")]
    [InlineData("10:00", "10:00", "60", "Window.End", "The end must be after the start.")]
    [InlineData("13:00:30", "15:00", "60", "Window.Start", "Use hours and minutes only, like 13:00")]
    [InlineData("24:00", "02:00", "60", "Window.Start", "start at 00:00 instead")]
    [InlineData("13:00", "25:00", "60", "Window.End", "Enter a time like 09:30.")]
    [InlineData("13:00", "", "60", "Window.End", "Enter an end time.")]
    [InlineData("13:00", "13:30", "60", "Window.End", "shorter than one 60-minute slot")]
    [InlineData("13:00", "15:00", "4", "Window.SlotMinutes", "between 5 and 480 minutes")]
    [InlineData("13:00", "15:00", "481", "Window.SlotMinutes", "between 5 and 480 minutes")]
    [InlineData("13:00", "15:00", "abc", "Window.SlotMinutes", "Enter the slot length in minutes.")]
    [InlineData("", "15:00", "60", "Window.Start", "Enter a start time.")]
    public async Task An_invalid_window_shows_its_message_beside_the_field_and_saves_nothing(
        string start, string end, string minutes, string field, string message)
    {
        var me = await app.CreateSignedInAsync(schedule: MondayMornings);
        var page = await me.Client.GetPageAsync("/specialist/availability");
        var form = new Dictionary<string, string> { ["Window.Start"] = start, ["Window.End"] = end, ["Window.SlotMinutes"] = minutes };

        var plain = await me.Client.SubmitAsync(page, "#day-monday form.add-window", form);
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        var full = await Html.ParseAsync(plain);
        Assert.Contains(message, full.QuerySelector($"#day-monday [data-valmsg-for='{field}']").Text());
        // Only the submitted day shows the message.
        Assert.Equal("", full.QuerySelector($"#day-tuesday [data-valmsg-for='{field}']").Text());

        var htmx = await me.Client.SubmitAsync(page, "#day-monday form.add-window", form, Htmx);
        Assert.Equal(HttpStatusCode.OK, htmx.StatusCode);
        Assert.Contains(message, (await Html.ParseAsync(htmx)).QuerySelector($"[data-valmsg-for='{field}']").Text());

        var window = Assert.Single((await ScheduleAsync(me.Id)).Windows);
        Assert.Equal(new LocalTime(9, 0), window.Start);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "50.00", "0", "Settings.TimeZoneId", "is not a time zone we know")]
    [InlineData("EST", "50.00", "0", "Settings.TimeZoneId", "Type your city instead, e.g. New York (America/New_York)")]
    [InlineData("Etc/GMT+5", "50.00", "0", "Settings.TimeZoneId", "fixed offset from UTC")]
    [InlineData("Berl", "50.00", "0", "Settings.TimeZoneId", "Did you mean Europe/Berlin?")]
    [InlineData("Europe/Madrid", "-5", "0", "Settings.Price", "zero or more")]
    [InlineData("Europe/Madrid", "50.00", "-10", "Settings.BufferMinutes", "between 0 and 240")]
    [InlineData("Europe/Madrid", "50.00", "ten", "Settings.BufferMinutes", "whole minutes")]
    public async Task Invalid_settings_show_the_message_beside_the_field_and_save_nothing(
        string zone, string price, string buffer, string field, string message)
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await me.Client.SubmitAsync(page, "#settings form", new Dictionary<string, string>
        {
            ["Settings.TimeZoneId"] = zone, ["Settings.Price"] = price, ["Settings.BufferMinutes"] = buffer,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await Html.ParseAsync(response)).QuerySelector($"[data-valmsg-for='{field}']").Text());
        var schedule = await ScheduleAsync(me.Id);
        Assert.Equal(("Europe/Madrid", 5000L, 0), (schedule.TimeZoneId, schedule.DefaultPriceMinor, schedule.BufferMinutes));
    }

    [Fact]
    public async Task Valid_settings_are_saved()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await me.Client.SubmitAsync(page, "#settings form", new Dictionary<string, string>
        {
            ["Settings.TimeZoneId"] = "Asia/Kathmandu", ["Settings.Price"] = "75.50", ["Settings.Currency"] = "GBP",
            ["Settings.BufferMinutes"] = "10", ["Settings.ActiveFrom"] = "2026-12-01",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var s = await ScheduleAsync(me.Id);
        Assert.Equal(("Asia/Kathmandu", 7550L, "GBP", 10, new LocalDate(2026, 12, 1)),
            (s.TimeZoneId, s.DefaultPriceMinor, s.Currency, s.BufferMinutes, s.ActiveFrom));
    }

    [Fact]
    public async Task Date_exceptions_are_added_and_removed()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var dayOff = await me.Client.SubmitAsync(page, "#exceptions form.exception-form", new Dictionary<string, string>
        {
            ["NewException.Date"] = "2026-12-24", ["NewException.Kind"] = "off", ["NewException.Note"] = "Holiday",
        });
        Assert.Equal(HttpStatusCode.Redirect, dayOff.StatusCode);

        page = await me.Client.GetPageAsync("/specialist/availability");
        var hours = await me.Client.SubmitAsync(page, "#exceptions form.exception-form", new Dictionary<string, string>
        {
            ["NewException.Date"] = "2026-12-27", ["NewException.Kind"] = "hours",
            ["NewException.Windows[0].Start"] = "10:00", ["NewException.Windows[0].End"] = "12:00", ["NewException.Windows[0].SlotMinutes"] = "30",
        }, Htmx);
        Assert.Equal(HttpStatusCode.OK, hours.StatusCode);
        var fragment = await Html.ParseAsync(hours);
        Assert.Equal(2, fragment.QuerySelectorAll(".exception-list li").Length);
        Assert.Contains("10:00–12:00 (30 min, €50.00)", fragment.QuerySelector(".exception-list").Text());

        var s = await ScheduleAsync(me.Id);
        Assert.Equal([new LocalDate(2026, 12, 24), new LocalDate(2026, 12, 27)], s.Exceptions.Select(e => e.Date).Order());
        Assert.Equal(new LocalTime(10, 0), Assert.Single(s.WindowsFor(new LocalDate(2026, 12, 27))).Start);

        var removed = await me.Client.SubmitAsync(fragment, ".exception-list li:first-child form", headers: Htmx);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal([new LocalDate(2026, 12, 27)], (await ScheduleAsync(me.Id)).Exceptions.Select(e => e.Date));
    }

    [Fact]
    public async Task An_exception_in_the_past_or_with_a_bad_window_is_refused()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var past = await me.Client.SubmitAsync(page, "#exceptions form.exception-form", new Dictionary<string, string>
        {
            ["NewException.Date"] = "2026-10-01", ["NewException.Kind"] = "off",
        });
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("today or a later date", (await Html.ParseAsync(past)).FieldError("NewException.Date"));

        var badWindow = await me.Client.SubmitAsync(page, "#exceptions form.exception-form", new Dictionary<string, string>
        {
            ["NewException.Date"] = "2026-12-01", ["NewException.Kind"] = "hours",
            ["NewException.Windows[0].Start"] = "12:00", ["NewException.Windows[0].End"] = "12:00",
        });
        Assert.Equal(HttpStatusCode.BadRequest, badWindow.StatusCode);
        Assert.Contains("after the start", (await Html.ParseAsync(badWindow)).FieldError("NewException.Windows[0].End"));
        Assert.Empty((await ScheduleAsync(me.Id)).Exceptions);
    }

    [Fact]
    public async Task A_specialist_cannot_remove_another_specialists_window()
    {
        var victim = await app.CreateSignedInAsync(schedule: MondayMornings);
        var attacker = await app.CreateSignedInAsync(schedule: MondayMornings);
        var victimWindow = (await ScheduleAsync(victim.Id)).Windows.Single();

        var page = await attacker.Client.GetPageAsync("/specialist/availability");
        var response = await attacker.Client.PostWithTokenAsync(page,
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
        var page = await me.Client.GetPageAsync("/specialist/availability");
        Assert.Empty(page.QuerySelectorAll("#conflicts li"));

        var window = (await ScheduleAsync(me.Id)).Windows.Single();
        var removed = await me.Client.SubmitAsync(page, "#day-monday .window form");
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        await app.RunDueGenerationAsync();

        var after = await me.Client.GetPageAsync("/specialist/availability");
        var conflict = Assert.Single(after.QuerySelectorAll("#conflicts .conflicts li"));
        Assert.Contains("Booked", conflict.Text());
        Assert.Contains("Mon 9 Nov 2026, 10:00–11:00", conflict.Text());
        Assert.Equal(SlotState.Booked, (await app.WithDbAsync(db => db.Slots.AsNoTracking().SingleAsync(x => x.Start == tenOClock && x.SpecialistId == me.Id))).State);
        Assert.DoesNotContain((await ScheduleAsync(me.Id)).Windows, w => w.Id == window.Id);
    }
}

public sealed class AvailabilityInputTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private static readonly Dictionary<string, string> Htmx = new() { ["HX-Request"] = "true" };

    private Task<AvailabilitySchedule> ScheduleAsync(Guid specialistId) =>
        app.WithDbAsync(db => db.Schedules.AsNoTracking().SingleAsync(s => s.SpecialistId == specialistId));

    private static async Task<HttpResponseMessage> AddWindowAsync(TestSpecialist me, string day, string start, string end,
        string minutes = "60", string price = "", IDictionary<string, string>? headers = null)
    {
        var page = await me.Client.GetPageAsync("/specialist/availability");
        return await me.Client.SubmitAsync(page, $"#day-{day} form.add-window", new Dictionary<string, string>
        {
            ["Window.Start"] = start, ["Window.End"] = end, ["Window.SlotMinutes"] = minutes, ["Window.Price"] = price,
        }, headers);
    }

    [Theory]
    [InlineData("23:00", "24:00", "23:00–24:00")]
    [InlineData("23:00", "00:00", "23:00–24:00")]
    [InlineData("22:00", "02:00", "22:00–02:00 next day")]
    [InlineData("00:00", "24:00", "00:00–24:00")]
    public async Task A_window_may_end_at_midnight_or_run_past_it(string start, string end, string shown)
    {
        var me = await app.CreateSignedInAsync();

        var response = await AddWindowAsync(me, "saturday", start, end);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var window = Assert.Single((await ScheduleAsync(me.Id)).Windows);
        Assert.Equal(TimeInput.TryTime(end, true, out var parsed, out _) ? parsed : default, window.End);
        Assert.Equal(shown, (await me.Client.GetPageAsync("/specialist/availability")).QuerySelector("#day-saturday .window-time").Text());
    }

    [Fact]
    public async Task A_date_exception_may_have_a_window_past_midnight_with_its_own_price()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await me.Client.SubmitAsync(page, "#exceptions form.exception-form", new Dictionary<string, string>
        {
            ["NewException.Date"] = "2026-12-31", ["NewException.Kind"] = "hours", ["NewException.Note"] = "New Year's Eve",
            ["NewException.Windows[0].Start"] = "22:00", ["NewException.Windows[0].End"] = "01:00",
            ["NewException.Windows[0].SlotMinutes"] = "30", ["NewException.Windows[0].Price"] = "120",
        }, Htmx);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("22:00–01:00 next day (30 min, €120.00)", (await Html.ParseAsync(response)).QuerySelector(".exception-list").Text());
        var window = Assert.Single(Assert.Single((await ScheduleAsync(me.Id)).Exceptions).Windows);
        Assert.Equal((new LocalTime(22, 0), new LocalTime(1, 0), 12000L), (window.Start, window.End, window.PriceMinor!.Value));
    }

    [Fact]
    public async Task A_window_running_into_the_next_days_window_is_refused_beside_the_field()
    {
        var me = await app.CreateSignedInAsync(schedule: (s, now) =>
            s.AddWindow(IsoDayOfWeek.Tuesday, new TimeWindow(new LocalTime(1, 0), new LocalTime(4, 0), 60), now));

        var response = await AddWindowAsync(me, "monday", "22:00", "02:00");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("This window overlaps Tuesday's 01:00–04:00.", page.QuerySelector("#day-monday [data-valmsg-for='Window.Start']").Text());
        Assert.Equal("true", page.QuerySelector("#day-monday-start")!.GetAttribute("aria-invalid"));
        Assert.Equal("day-monday-Start-error", page.QuerySelector("#day-monday-start")!.GetAttribute("aria-describedby"));
        Assert.Single((await ScheduleAsync(me.Id)).Windows);
    }

    [Fact]
    public async Task A_window_wholly_inside_a_clock_change_is_saved_with_a_note_naming_the_date()
    {
        var me = await app.CreateSignedInAsync("America/New_York");

        // tzdb: America/New_York's clocks go from 02:00 EST to 03:00 EDT on Sunday 2027-03-14, within a year of now (2 Nov 2026).
        var response = await AddWindowAsync(me, "sunday", "02:00", "03:00", "30", headers: Htmx);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await ScheduleAsync(me.Id)).Windows);
        Assert.Equal("No slots on Sun 14 Mar 2027: the clocks go forward through these hours that day.",
            (await Html.ParseAsync(response)).QuerySelector("#day-sunday .window-note").Text());
        Assert.Null((await me.Client.GetPageAsync("/specialist/availability")).QuerySelector("#day-saturday .window-note"));
    }

    [Theory]
    [InlineData("  tokyo ", "Asia/Tokyo", null)]
    [InlineData("US/Eastern", "America/New_York", "older name for America/New_York")]
    public async Task A_zone_typed_in_the_settings_is_trimmed_and_found_and_an_older_name_is_said(string typed, string saved, string? notice)
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var plain = await me.Client.SubmitAsync(page, "#settings form", new Dictionary<string, string> { ["Settings.TimeZoneId"] = typed });
        Assert.Equal(HttpStatusCode.Redirect, plain.StatusCode);
        Assert.Equal(saved, (await ScheduleAsync(me.Id)).TimeZoneId);
        var after = await me.Client.GetPageAsync("/specialist/availability");
        Assert.Equal(saved, after.QuerySelector("#Settings_TimeZoneId")!.GetAttribute("value"));
        if (notice is not null) Assert.Contains(notice, after.QuerySelector(".flash").Text());

        var htmx = await me.Client.SubmitAsync(after, "#settings form", new Dictionary<string, string> { ["Settings.TimeZoneId"] = typed }, Htmx);
        var fragment = await Html.ParseAsync(htmx);
        Assert.Equal("settings", fragment.Body!.FirstElementChild!.Id);
        if (notice is not null) Assert.Contains(notice, fragment.QuerySelector("#settings .notice").Text());
        else Assert.Null(fragment.QuerySelector("#settings .notice"));
    }

    [Fact]
    public async Task Changing_the_currency_says_that_window_prices_were_reset()
    {
        var me = await app.CreateSignedInAsync(schedule: (s, now) =>
            s.AddWindow(IsoDayOfWeek.Friday, new TimeWindow(new LocalTime(18, 0), new LocalTime(20, 0), 60, 9000), now));
        var page = await me.Client.GetPageAsync("/specialist/availability");
        Assert.Contains("€90.00", page.QuerySelector("#day-friday .window-price").Text());

        var response = await me.Client.SubmitAsync(page, "#settings form", new Dictionary<string, string>
        {
            ["Settings.Currency"] = "GBP", ["Settings.Price"] = "40",
        }, Htmx);

        Assert.Contains("now charge your default price", (await Html.ParseAsync(response)).QuerySelector("#settings .notice").Text());
        var after = await me.Client.GetPageAsync("/specialist/availability");
        Assert.Contains("£40.00", after.QuerySelector("#day-friday .window-price").Text());
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
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await me.Client.SubmitAsync(page, "#rules form", new Dictionary<string, string>
        {
            ["RulesForm.MinimumNoticeHours"] = notice, ["RulesForm.HorizonDays"] = days, ["RulesForm.MaxSessionsPerDay"] = cap,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var s = await ScheduleAsync(me.Id);
        Assert.Equal((noticeMinutes, horizonDays, maxPerDay), (s.MinimumNoticeMinutes, s.HorizonDays, s.MaxSessionsPerDay));
        var after = await me.Client.GetPageAsync("/specialist/availability");
        Assert.Equal(notice, after.QuerySelector("#RulesForm_MinimumNoticeHours")!.GetAttribute("value") ?? "");
        Assert.Equal("2", after.QuerySelector("#RulesForm_MinimumNoticeHours")!.GetAttribute("placeholder"));
    }

    [Theory]
    [InlineData("two", "", "", "RulesForm.MinimumNoticeHours", "Enter hours like 2 or 1.5")]
    [InlineData("0.01", "", "", "RulesForm.MinimumNoticeHours", "whole minutes")]
    [InlineData("1000", "", "", "RulesForm.MinimumNoticeHours", "between 0 and 720 hours")]
    [InlineData("", "400", "", "RulesForm.HorizonDays", "between 1 and 365 days")]
    [InlineData("", "-1", "", "RulesForm.HorizonDays", "whole number of days")]
    [InlineData("", "", "0", "RulesForm.MaxSessionsPerDay", "between 1 and 96 sessions")]
    [InlineData("72", "2", "", "RulesForm.HorizonDays", "longer than the minimum notice")]
    public async Task Invalid_booking_rules_show_the_message_beside_the_field_and_save_nothing(string notice, string days, string cap,
        string field, string message)
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");
        var form = new Dictionary<string, string>
        {
            ["RulesForm.MinimumNoticeHours"] = notice, ["RulesForm.HorizonDays"] = days, ["RulesForm.MaxSessionsPerDay"] = cap,
        };

        var plain = await me.Client.SubmitAsync(page, "#rules form", form);
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains(message, (await Html.ParseAsync(plain)).FieldError(field));

        var htmx = await me.Client.SubmitAsync(page, "#rules form", form, Htmx);
        Assert.Equal(HttpStatusCode.OK, htmx.StatusCode);
        var fragment = await Html.ParseAsync(htmx);
        Assert.Equal("rules", fragment.Body!.FirstElementChild!.Id);
        Assert.Contains(message, fragment.FieldError(field));

        var s = await ScheduleAsync(me.Id);
        Assert.Equal((null, null, null), (s.MinimumNoticeMinutes, s.HorizonDays, s.MaxSessionsPerDay));
        Assert.Empty(await app.WithDbAsync(db => db.GenerationJobs.Where(j => j.SpecialistId == me.Id).ToListAsync()));
    }
}

using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

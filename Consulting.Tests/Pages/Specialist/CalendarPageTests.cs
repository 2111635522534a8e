using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Pages.Specialist;

public sealed class CalendarPageTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private static readonly Dictionary<string, string> Htmx = new() { ["HX-Request"] = "true" };

    /// <summary>A specialist in Madrid with Monday 09:00–12:00 hourly slots generated for November 2026.</summary>
    private async Task<TestSpecialist> SpecialistWithSlotsAsync()
    {
        var me = await app.CreateSignedInAsync("Europe/Madrid", (s, now) =>
            s.AddWindow(IsoDayOfWeek.Monday, new TimeWindow(new LocalTime(9, 0), new LocalTime(12, 0), 60), now));
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SlotGenerator>()
            .GenerateAsync(me.Id, new LocalDate(2026, 11, 3), new LocalDate(2026, 11, 30), overwrite: false, CancellationToken.None);
        Assert.Equal(12, result.Created);
        return me;
    }

    private Task<Slot> SlotAtAsync(Guid specialistId, Instant start) =>
        app.WithDbAsync(db => db.Slots.AsNoTracking().SingleAsync(s => s.SpecialistId == specialistId && s.Start == start));

    // Madrid is on CET (UTC+1) in November 2026.
    private static readonly Instant Nov9At10 = Instant.FromUtc(2026, 11, 9, 9, 0);

    [Fact]
    public async Task The_month_grid_shows_each_slot_at_its_local_time_on_its_local_day()
    {
        var me = await SpecialistWithSlotsAsync();

        var page = await me.Client.GetPageAsync("/specialist/calendar?year=2026&month=11");

        Assert.Equal("November 2026", page.QuerySelector("#month-title").Text());
        Assert.Equal(["09:00", "10:00", "11:00"], page.QuerySelectorAll("#cal-2026-11-09 .cal-time").Select(e => e.Text()));
        Assert.Equal(3, page.QuerySelectorAll("#cal-2026-11-30 .cal-slot").Length);
        Assert.Empty(page.QuerySelectorAll("#cal-2026-11-10 .cal-slot"));
        // Weeks run Monday–Sunday: the grid starts on Monday 26 October.
        Assert.Equal("cal-2026-10-26", page.QuerySelector(".month-day")!.Id);
    }

    [Fact]
    public async Task Month_navigation_returns_the_fragment_to_htmx_and_the_full_page_otherwise()
    {
        var me = await SpecialistWithSlotsAsync();

        var request = new HttpRequestMessage(HttpMethod.Get, "/specialist/calendar?year=2026&month=12");
        request.Headers.Add("HX-Request", "true");
        var htmx = await me.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, htmx.StatusCode);
        var fragment = await Html.ParseAsync(htmx);
        Assert.Null(fragment.QuerySelector("header.site-header"));
        Assert.Equal("calendar", fragment.Body!.FirstElementChild!.Id);
        Assert.Equal("December 2026", fragment.QuerySelector("#month-title").Text());
        Assert.Contains("HX-Request", htmx.Headers.Vary);

        var full = await me.Client.GetPageAsync("/specialist/calendar?year=2026&month=12");
        Assert.NotNull(full.QuerySelector("header.site-header"));
        var next = full.QuerySelector("a[rel=next]")!;
        Assert.Equal("/specialist/calendar?year=2027&month=1", next.GetAttribute("href"));
        Assert.Equal("true", next.GetAttribute("hx-push-url"));
    }

    [Theory]
    [InlineData("?year=2026&month=13")]
    [InlineData("?year=2026")]
    [InlineData("?year=abc&month=1")]
    [InlineData("?year=1900&month=1")]
    public async Task A_malformed_month_gets_a_friendly_400(string query)
    {
        var me = await app.CreateSignedInAsync();

        var response = await me.Client.GetAsync("/specialist/calendar" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("That request didn't make sense", (await Html.ParseAsync(response)).QuerySelector("h1").Text());
    }

    [Fact]
    public async Task Blocking_a_free_slot_with_a_reason_and_unblocking_it_again()
    {
        var me = await SpecialistWithSlotsAsync();
        var page = await me.Client.GetPageAsync("/specialist/calendar?year=2026&month=11");
        var slot = await SlotAtAsync(me.Id, Nov9At10);

        var blocked = await me.Client.SubmitAsync(page, $"li[data-slot-id='{slot.Id}'] form", new Dictionary<string, string> { ["reason"] = "Dentist" }, Htmx);

        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        var cell = await Html.ParseAsync(blocked);
        Assert.Equal("cal-2026-11-09", cell.Body!.FirstElementChild!.Id);
        Assert.Contains("Dentist", cell.QuerySelector(".cal-slot.state-blocked").Text());
        var stored = await SlotAtAsync(me.Id, Nov9At10);
        Assert.Equal((SlotState.Blocked, "Dentist"), (stored.State, stored.BlockReason));

        var unblocked = await me.Client.SubmitAsync(cell, $"li[data-slot-id='{slot.Id}'] form");
        Assert.Equal(HttpStatusCode.Redirect, unblocked.StatusCode);
        Assert.EndsWith("?year=2026&month=11#cal-2026-11-09", unblocked.Headers.Location?.OriginalString);
        Assert.Equal(SlotState.Available, (await SlotAtAsync(me.Id, Nov9At10)).State);
    }

    [Fact]
    public async Task Blocking_without_a_reason_shows_the_message_beside_the_field()
    {
        var me = await SpecialistWithSlotsAsync();
        var page = await me.Client.GetPageAsync("/specialist/calendar?year=2026&month=11");
        var slot = await SlotAtAsync(me.Id, Nov9At10);

        var plain = await me.Client.SubmitAsync(page, $"li[data-slot-id='{slot.Id}'] form", new Dictionary<string, string> { ["reason"] = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal("Say why the slot is blocked.", (await Html.ParseAsync(plain)).FieldError("reason"));

        var htmx = await me.Client.SubmitAsync(page, $"li[data-slot-id='{slot.Id}'] form", new Dictionary<string, string> { ["reason"] = "" }, Htmx);
        Assert.Equal(HttpStatusCode.OK, htmx.StatusCode);
        Assert.Equal("Say why the slot is blocked.", (await Html.ParseAsync(htmx)).FieldError("reason"));
        Assert.Equal(SlotState.Available, (await SlotAtAsync(me.Id, Nov9At10)).State);
    }

    [Fact]
    public async Task A_slot_booked_meanwhile_is_not_blocked_and_the_specialist_is_told()
    {
        var me = await SpecialistWithSlotsAsync();
        var page = await me.Client.GetPageAsync("/specialist/calendar?year=2026&month=11");
        var slot = await SlotAtAsync(me.Id, Nov9At10);
        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Slots.SingleAsync(s => s.Id == slot.Id);
            tracked.MarkHeld(Guid.NewGuid(), app.Clock.GetCurrentInstant() + Duration.FromMinutes(15));
            await db.SaveChangesAsync();
        });

        var response = await me.Client.SubmitAsync(page, $"li[data-slot-id='{slot.Id}'] form", new Dictionary<string, string> { ["reason"] = "Busy" }, Htmx);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("changed in the meantime", (await Html.ParseAsync(response)).QuerySelector("[role=alert]").Text());
        Assert.Equal(SlotState.Held, (await SlotAtAsync(me.Id, Nov9At10)).State);
    }

    [Fact]
    public async Task A_specialist_cannot_block_another_specialists_slot()
    {
        var owner = await SpecialistWithSlotsAsync();
        var other = await app.CreateSignedInAsync();
        var slot = await SlotAtAsync(owner.Id, Nov9At10);
        var page = await other.Client.GetPageAsync("/specialist/calendar");

        var response = await other.Client.PostWithTokenAsync(page, $"/specialist/calendar?handler=Block&slotId={slot.Id}",
            new Dictionary<string, string> { ["reason"] = "Mine now" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(SlotState.Available, (await SlotAtAsync(owner.Id, Nov9At10)).State);
    }
}

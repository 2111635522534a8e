using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Bookings;

/// <summary>
/// The one SQL condition (<see cref="OfferRules"/>) that lists open slots and decides holds, on both
/// providers: the rule has no other copy in production, so it is tested here.
/// </summary>
public sealed class OfferRulesTests
{
    [Fact]
    public async Task The_open_slots_the_database_lists_are_exactly_those_the_booking_rules_offer()
    {
        using var app = new AppFactory();
        // Kathmandu is UTC+05:45, so its days don't line up with UTC's: the cap counts the local day.
        var me = await app.CreateSignedInAsync("Asia/Kathmandu", (s, now) =>
        {
            foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
                s.AddWindow(day, new TimeWindow(new LocalTime(16, 0), new LocalTime(23, 0), 60), now);
            s.SetBookingRules(180, 5, 2, now);
        });
        await app.ApplyScheduleAsync(me.Id);
        var slots = await app.WithDbAsync(db => db.Slots.AsNoTracking().Where(s => s.SpecialistId == me.Id).OrderBy(s => s.Start).ToListAsync());
        // Tuesday reaches its cap of two; Wednesday has one session; one of Thursday's is blocked (not a session).
        await app.HeldBookingAsync(slots.First(s => s.Day == new LocalDate(2026, 11, 3)));
        await app.ConfirmedBookingAsync(slots.Last(s => s.Day == new LocalDate(2026, 11, 3)));
        await app.HeldBookingAsync(slots.First(s => s.Day == new LocalDate(2026, 11, 4)));
        await app.WithDbAsync(async db =>
        {
            var thursday = await db.Slots.FirstAsync(s => s.SpecialistId == me.Id && s.Day == new LocalDate(2026, 11, 5));
            thursday.Block("Lunch");
            await db.SaveChangesAsync();
        });

        foreach (var step in new[] { Duration.Zero, Duration.FromMinutes(97), Duration.FromHours(30) })
        {
            app.Clock.Advance(step);
            var now = app.Clock.GetCurrentInstant();
            var stored = await app.WithDbAsync(db => db.Slots.AsNoTracking().Where(s => s.SpecialistId == me.Id).ToListAsync());
            var schedule = await app.WithDbAsync(db => db.Schedules.AsNoTracking().SingleAsync(s => s.SpecialistId == me.Id));
            var rules = schedule.RulesOver(app.GetService<OfferRules>().SiteDefaults);
            var sessions = stored.Where(s => s.State is SlotState.Held or SlotState.Booked).CountBy(s => s.Day!.Value).ToDictionary();
            var expected = stored.Where(s => Offered(s, now, rules, sessions.GetValueOrDefault(s.Day!.Value))).Select(s => s.Id).ToHashSet();

            await using var scope = app.Services.CreateAsyncScope();
            var listed = await scope.ServiceProvider.GetRequiredService<OpenSlots>().Query()
                .Where(s => s.SpecialistId == me.Id).Select(s => s.Id).ToListAsync();

            Assert.NotEmpty(expected);
            Assert.True(expected.SetEquals(listed), $"At {now}: the database lists {listed.Count}, the rules offer {expected.Count}.");
            Assert.DoesNotContain(stored, s => listed.Contains(s.Id) && s.Day == new LocalDate(2026, 11, 3));
        }
    }

    /// <summary>
    /// The rule as README states it, the expectation the SQL is held to: free and still part of the
    /// schedule, not started, no sooner than the minimum notice, before the horizon, on a day under its cap.
    /// </summary>
    private static bool Offered(Slot slot, Instant now, BookingRules rules, int sessionsThatDay) =>
        slot.State == SlotState.Available && slot.Unavailability == SlotUnavailability.None
        && slot.Start > now && slot.Start >= now + rules.MinimumNotice && slot.Start < rules.StartsBefore(now)
        && (rules.MaxSessionsPerDay is not { } cap || sessionsThatDay < cap);

    private static async Task<bool> ListedAsync(AppFactory app, Guid specialistId, Guid slotId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OpenSlots>().Query().AnyAsync(s => s.SpecialistId == specialistId && s.Id == slotId);
    }

    /// <summary>
    /// Each boundary of the rule, a second either side: the clock is set to the slot's start minus
    /// <paramref name="beforeStart"/>, then moved on by one second.
    /// </summary>
    [Theory]
    // Minimum notice of 180 minutes: exactly that long before the start is offered, a second less isn't.
    [InlineData(180, null, 180 * 60, true, false)]
    // Horizon of 3 days: a slot exactly 3 days ahead is outside, a second later it is inside.
    [InlineData(null, 3, 3 * 24 * 3600, false, true)]
    // No notice: offered until it starts, not from its start.
    [InlineData(0, null, 1, true, false)]
    public async Task A_slot_is_offered_on_the_right_side_of_each_boundary(int? noticeMinutes, int? horizonDays, int beforeStart, bool atBoundary, bool aSecondLater)
    {
        using var app = new AppFactory();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        await app.WithDbAsync(async db =>
        {
            var schedule = await db.Schedules.SingleAsync(s => s.SpecialistId == specialist.Id);
            schedule.SetBookingRules(noticeMinutes, horizonDays, null, app.Clock.GetCurrentInstant());
            await db.SaveChangesAsync();
        });
        var slot = specialist.Slots[^1];

        app.Clock.Reset(slot.Start - Duration.FromSeconds(beforeStart));
        Assert.Equal(atBoundary, await ListedAsync(app, specialist.Id, slot.Id));
        app.Clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(aSecondLater, await ListedAsync(app, specialist.Id, slot.Id));
    }
}

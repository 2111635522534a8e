using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Bookings;

/// <summary>The SQL that lists open slots and decides holds says what the domain's <see cref="BookingRules"/> says.</summary>
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
            var expected = stored.Where(s => s.IsOfferable(now, rules, sessions.GetValueOrDefault(s.Day!.Value))).Select(s => s.Id).ToHashSet();

            await using var scope = app.Services.CreateAsyncScope();
            var listed = await scope.ServiceProvider.GetRequiredService<OpenSlots>().Query()
                .Where(s => s.SpecialistId == me.Id).Select(s => s.Id).ToListAsync();

            Assert.NotEmpty(expected);
            Assert.True(expected.SetEquals(listed), $"At {now}: the database lists {listed.Count}, the rules offer {expected.Count}.");
            Assert.DoesNotContain(stored, s => listed.Contains(s.Id) && s.Day == new LocalDate(2026, 11, 3));
        }
    }
}

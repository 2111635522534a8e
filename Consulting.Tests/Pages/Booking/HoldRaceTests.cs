using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Tests.Pages.Booking;

/// <summary>
/// Concurrent holds through real HTTP on a loopback socket (Kestrel), against the real database:
/// the database decides who wins, and every loser gets "just taken", never an error.
/// </summary>
public sealed class HoldRaceTests
{
    private static Task<List<HoldAttempt>> RaceAsync(AppFactory app, string slug, IReadOnlyList<Guid> slotIds) =>
        HoldRace.RunAsync([app.StartKestrel()], slug, slotIds);

    [Fact]
    public async Task Fifty_concurrent_holds_on_one_slot_give_exactly_one_booking_and_49_just_taken()
    {
        using var app = new AppFactory();
        app.StartKestrel();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var slot = specialist.Slots.First(s => s.Start >= NodaTime.Instant.FromUtc(2026, 11, 9, 0, 0));

        var attempts = await RaceAsync(app, specialist.Slug, Enumerable.Repeat(slot.Id, 50).ToList());

        Assert.DoesNotContain(attempts, a => (int)a.Status >= 500);
        Assert.Single(attempts, a => a.Status == HttpStatusCode.Redirect && a.Location!.StartsWith("/checkout/"));
        var losers = attempts.Where(a => a.Status == HttpStatusCode.SeeOther).ToList();
        Assert.Equal(49, losers.Count);
        Assert.All(losers, a => Assert.Contains("&taken=", a.Location));

        var (bookings, stored) = await app.WithDbAsync(async db => (
            await db.Bookings.AsNoTracking().Where(b => b.SlotId == slot.Id).ToListAsync(),
            await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id)));
        var booking = Assert.Single(bookings);
        Assert.Equal((SlotState.Held, booking.Id), (stored.State, stored.BookingId));
    }

    [Fact]
    public async Task Two_hundred_concurrent_holds_over_twenty_slots_give_twenty_bookings()
    {
        using var app = new AppFactory();
        app.StartKestrel();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var twenty = specialist.Slots.Take(20).Select(s => s.Id).ToList();
        Assert.Equal(20, twenty.Count);

        var attempts = await RaceAsync(app, specialist.Slug, Enumerable.Range(0, 200).Select(i => twenty[i % 20]).ToList());

        Assert.DoesNotContain(attempts, a => (int)a.Status >= 500);
        Assert.True(20 == attempts.Count(a => a.Status == HttpStatusCode.Redirect),
            string.Join(", ", attempts.GroupBy(a => a.Status).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.Equal(180, attempts.Count(a => a.Status == HttpStatusCode.SeeOther));
        var bookings = await app.WithDbAsync(db => db.Bookings.AsNoTracking().Where(b => b.SpecialistId == specialist.Id).ToListAsync());
        Assert.Equal(20, bookings.Count);
        Assert.Equal(twenty.Order(), bookings.Select(b => b.SlotId).Order());
        Assert.Equal(20, await app.WithDbAsync(db => db.Slots.CountAsync(s => s.SpecialistId == specialist.Id && s.State == SlotState.Held)));
    }
}

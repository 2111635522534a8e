using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Bookings;

/// <summary>
/// The hold's decisive write (on SQLite, the holds queued together are written in one transaction;
/// on PostgreSQL each in its own).
/// </summary>
public sealed class HoldWriterTests
{
    private static readonly BookingRules Rules = new(Duration.FromMinutes(120), 60, null);

    [Fact]
    public async Task A_hold_whose_write_fails_fails_alone_and_the_holds_queued_with_it_are_written()
    {
        using var app = new AppFactory();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var writer = app.GetService<HoldWriter>();
        var now = app.Clock.GetCurrentInstant();
        // The third names a customer account that doesn't exist: its insert breaks a foreign key.
        var bookings = specialist.Slots.Take(5)
            .Select((slot, i) => Booking.PlaceHold(Guid.NewGuid(), slot, i == 2 ? "no-such-user" : null, "UTC", now + Duration.FromMinutes(15), now))
            .ToList();

        var writes = bookings.Select(b => writer.HoldAsync(b, now, Rules, CancellationToken.None)).ToList();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => writes[2]);
        Assert.IsAssignableFrom<DbException>(error as DbException ?? error.InnerException);
        foreach (var i in new[] { 0, 1, 3, 4 }) Assert.True(await writes[i]);
        var (stored, held) = await app.WithDbAsync(async db => (
            await db.Bookings.AsNoTracking().Where(b => b.SpecialistId == specialist.Id).Select(b => b.Id).ToListAsync(),
            await db.Slots.AsNoTracking().Where(s => s.State == SlotState.Held).Select(s => s.Id).ToListAsync()));
        Assert.Equal(bookings.Where((_, i) => i != 2).Select(b => b.Id).Order(), stored.Order());
        Assert.Equal(bookings.Where((_, i) => i != 2).Select(b => b.SlotId).Order(), held.Order());
    }

    [Fact]
    public async Task A_held_booking_reads_back_as_the_domain_made_it()
    {
        using var app = new AppFactory();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var now = app.Clock.GetCurrentInstant();
        var booking = Booking.PlaceHold(Guid.NewGuid(), specialist.Slots[0], null, "Asia/Tokyo", now + Duration.FromMinutes(15), now);
        booking.UpdateCustomerDetails(new CustomerDetails("Ada Customer", "ada@example.com", "+44 20 7946 0000", "Asia/Tokyo", "Hello"));

        Assert.True(await app.GetService<HoldWriter>().HoldAsync(booking, now, Rules, CancellationToken.None));

        var stored = await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking.Id));
        Assert.Equal(Scalars(booking), Scalars(stored));
        Assert.Equal(History(booking), History(stored));
    }

    private static Dictionary<string, object?> Scalars(Booking b) => typeof(Booking).GetProperties()
        .Where(p => !p.PropertyType.IsGenericType || p.PropertyType.GetGenericTypeDefinition() != typeof(IReadOnlyList<>))
        .ToDictionary(p => p.Name, p => p.GetValue(b));

    // Without the row id, which the database assigns.
    private static List<(BookingStatus, Instant, ActorRole, string?, string?)> History(Booking b) =>
        b.StatusHistory.Select(h => (h.Status, h.At, h.ByRole, h.ByUserId, h.Reason)).ToList();

    [Fact]
    public async Task A_slot_changed_since_it_was_read_is_not_held()
    {
        using var app = new AppFactory();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var now = app.Clock.GetCurrentInstant();
        var slot = specialist.Slots[0];
        var booking = Booking.PlaceHold(Guid.NewGuid(), slot, null, "UTC", now + Duration.FromMinutes(15), now);
        // A regeneration may re-price a free slot between the customer's read and the write.
        await app.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE \"Slots\" SET \"PriceMinor\" = {slot.PriceMinor + 1} WHERE \"Id\" = {slot.Id}"));

        Assert.False(await app.GetService<HoldWriter>().HoldAsync(booking, now, Rules, CancellationToken.None));
        Assert.Equal(SlotState.Available, await app.WithDbAsync(db => db.Slots.Where(s => s.Id == slot.Id).Select(s => s.State).SingleAsync()));
    }

    [Fact]
    public async Task A_slot_that_is_taken_blocked_or_inside_the_notice_is_not_held()
    {
        using var app = new AppFactory();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var writer = app.GetService<HoldWriter>();
        var now = app.Clock.GetCurrentInstant();
        Task<bool> HoldAsync(Slot slot, Instant at) => writer.HoldAsync(
            Booking.PlaceHold(Guid.NewGuid(), slot, null, "UTC", at + Duration.FromMinutes(15), at), at, Rules, CancellationToken.None);
        var (taken, blocked, soon) = (specialist.Slots[0], specialist.Slots[1], specialist.Slots[2]);

        Assert.True(await HoldAsync(taken, now));
        Assert.False(await HoldAsync(taken, now));

        await app.WithDbAsync(async db =>
        {
            (await db.Slots.SingleAsync(s => s.Id == blocked.Id)).Block("Dentist");
            await db.SaveChangesAsync();
        });
        Assert.False(await HoldAsync(blocked, now));

        // The minimum notice (120 minutes here) is inclusive: exactly that long before the start still holds.
        Assert.False(await HoldAsync(soon, soon.Start - Rules.MinimumNotice + Duration.FromSeconds(1)));
        Assert.True(await HoldAsync(soon, soon.Start - Rules.MinimumNotice));

        var states = await app.WithDbAsync(db => db.Slots.AsNoTracking()
            .Where(s => s.Id == taken.Id || s.Id == blocked.Id || s.Id == soon.Id).ToDictionaryAsync(s => s.Id, s => s.State));
        Assert.Equal(SlotState.Held, states[taken.Id]);
        Assert.Equal(SlotState.Blocked, states[blocked.Id]);
        Assert.Equal(SlotState.Held, states[soon.Id]);
        Assert.Equal(2, await app.WithDbAsync(db => db.Bookings.CountAsync(b => b.SpecialistId == specialist.Id)));
    }
}

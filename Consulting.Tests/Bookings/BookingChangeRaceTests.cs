using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Bookings;

/// <summary>
/// Changes of one booking arriving at the same moment (two tabs, or two instances): they take turns
/// at the database, each deciding on what the one before committed; no error, no slot left behind.
/// </summary>
public sealed class BookingChangeRaceTests
{
    private static async Task<ChangeOutcome> ChangeAsync(AppFactory app, Func<BookingChanges, Task<ChangeOutcome>> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await change(scope.ServiceProvider.GetRequiredService<BookingChanges>());
    }

    /// <summary>The booking holds exactly its own slot while confirmed, and none once cancelled.</summary>
    private static async Task AssertConsistentAsync(AppFactory app, Guid bookingId)
    {
        var (booking, taken) = await app.WithDbAsync(async db => (
            await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId),
            await db.Slots.AsNoTracking().Where(s => s.BookingId == bookingId && s.State != SlotState.Available).Select(s => s.Id).ToListAsync()));
        Assert.Equal(booking.Status == BookingStatus.Confirmed ? [booking.SlotId] : [], taken);
    }

    [Fact]
    public async Task Two_reschedules_of_one_booking_at_once_leave_it_on_one_slot_and_the_others_free()
    {
        using var app = new AppFactory();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        for (var round = 0; round < 3; round++)
        {
            var booking = await app.ConfirmedBookingAsync(specialist.Slots[round * 3]);
            var targets = new[] { specialist.Slots[round * 3 + 1], specialist.Slots[round * 3 + 2] };

            var outcomes = await Task.WhenAll(targets.Select(t => Task.Run(() =>
                ChangeAsync(app, c => c.RescheduleAsync(booking.Id, t.Id, Actor.Customer(null), CancellationToken.None)))));

            // Both may succeed, one after the other; neither fails.
            Assert.All(outcomes, o => Assert.IsType<ChangeOutcome.Done>(o));
            await AssertConsistentAsync(app, booking.Id);
        }
    }

    [Fact]
    public async Task A_cancel_and_a_reschedule_of_one_booking_at_once_leave_no_slot_taken_by_it()
    {
        using var app = new AppFactory();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        for (var round = 0; round < 3; round++)
        {
            var booking = await app.ConfirmedBookingAsync(specialist.Slots[round * 2]);
            var target = specialist.Slots[round * 2 + 1];

            var outcomes = await Task.WhenAll(
                Task.Run(() => ChangeAsync(app, c => c.CancelAsync(booking.Id, Actor.Customer(null), "Plans changed", CancellationToken.None))),
                Task.Run(() => ChangeAsync(app, c => c.RescheduleAsync(booking.Id, target.Id, Actor.Customer(null), CancellationToken.None))));

            Assert.IsType<ChangeOutcome.Done>(outcomes[0]);
            // The reschedule came first (done) or found the booking cancelled (refused).
            Assert.True(outcomes[1] is ChangeOutcome.Done or ChangeOutcome.Refused, outcomes[1].ToString());
            await AssertConsistentAsync(app, booking.Id);
            Assert.Equal(BookingStatus.Cancelled, await app.WithDbAsync(db => db.Bookings.Where(b => b.Id == booking.Id).Select(b => b.Status).SingleAsync()));
        }
    }
}

using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

/// <summary>Holds that run out, and payments that arrive after they did (FakeClock, no waiting).</summary>
public sealed class HoldExpiryTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>A held slot with a pending booking whose guest details and test payment are in place.</summary>
    private async Task<(Web.Domain.Booking Booking, Payment Payment)> HeldAndReadyToPayAsync(Slot slot)
    {
        var held = await WithAsync(sp => sp.GetRequiredService<BookingService>().HoldAsync(slot.Id, null, "Europe/Paris", CancellationToken.None));
        var booking = Assert.IsType<HoldOutcome.Held>(held).Booking;
        var start = await WithAsync(sp => sp.GetRequiredService<BookingService>().StartPaymentAsync(booking.Id,
            new CustomerDetails("Pat Late", "pat@example.com", null, "Europe/Paris", null), CancellationToken.None));
        Assert.IsType<PaymentStartOutcome.Redirect>(start);
        var payment = await _app.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == booking.Id));
        return (booking, payment);
    }

    private Task<int> RunRefundsAsync() =>
        WithAsync(sp => sp.GetRequiredService<RefundJobs>().RunDueAsync(CancellationToken.None));

    private Task<int> ReleaseAsync() =>
        WithAsync(sp => sp.GetRequiredService<HoldExpiry>().ReleaseExpiredAsync(CancellationToken.None));

    private Task<(Web.Domain.Booking, Slot)> StateAsync(Guid bookingId, Guid slotId) =>
        _app.WithDbAsync(async db => (
            await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId),
            await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slotId)));

    [Fact]
    public async Task A_hold_is_kept_for_its_15_minutes_and_released_after()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var slot = specialist.Slots[3];
        var (booking, _) = await HeldAndReadyToPayAsync(slot);

        _app.Clock.Advance(Duration.FromMinutes(15) - Duration.FromSeconds(1));
        Assert.Equal(0, await ReleaseAsync());
        var (stillPending, stillHeld) = await StateAsync(booking.Id, slot.Id);
        Assert.Equal((BookingStatus.Pending, SlotState.Held), (stillPending.Status, stillHeld.State));

        _app.Clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(1, await ReleaseAsync());
        var (expired, free) = await StateAsync(booking.Id, slot.Id);
        Assert.Equal((BookingStatus.Expired, SlotState.Available, (Guid?)null), (expired.Status, free.State, free.BookingId));
        Assert.Equal(BookingStatus.Expired, expired.StatusHistory[^1].Status);

        // Running the job again changes nothing.
        Assert.Equal(0, await ReleaseAsync());
    }

    [Fact]
    public async Task A_payment_after_the_hold_expired_confirms_when_the_slot_is_still_free()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var slot = specialist.Slots[3];
        var (booking, payment) = await HeldAndReadyToPayAsync(slot);
        _app.Clock.Advance(Duration.FromMinutes(20));
        await ReleaseAsync();

        var applied = await WithAsync(sp => sp.GetRequiredService<PaymentOutcomes>()
            .SucceededAsync(new PaymentRef(PaymentId: payment.Id), "ch_late", CancellationToken.None));

        Assert.Equal(PaymentApplied.Confirmed, applied);
        var (confirmed, booked) = await StateAsync(booking.Id, slot.Id);
        Assert.Equal((BookingStatus.Confirmed, SlotState.Booked, (Guid?)booking.Id), (confirmed.Status, booked.State, booked.BookingId));
        Assert.Contains("after the hold expired", confirmed.StatusHistory[^1].Reason);
    }

    [Fact]
    public async Task A_payment_after_the_hold_expired_is_refunded_when_someone_else_took_the_slot()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var slot = specialist.Slots[3];
        var (late, payment) = await HeldAndReadyToPayAsync(slot);
        _app.Clock.Advance(Duration.FromMinutes(20));
        await ReleaseAsync();
        var (other, _) = await HeldAndReadyToPayAsync(slot);

        var applied = await WithAsync(sp => sp.GetRequiredService<PaymentOutcomes>()
            .SucceededAsync(new PaymentRef(PaymentId: payment.Id), "ch_late", CancellationToken.None));

        Assert.Equal(PaymentApplied.Refunded, applied);
        Assert.Equal(PaymentStatus.RefundPending, (await _app.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == payment.Id))).Status);
        Assert.Equal(1, await RunRefundsAsync());
        var (stored, notice, taken) = await _app.WithDbAsync(async db => (
            await db.Payments.AsNoTracking().SingleAsync(p => p.Id == payment.Id),
            await db.Notifications.AsNoTracking().SingleAsync(n => n.BookingId == late.Id),
            await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id)));
        Assert.Equal(PaymentStatus.Refunded, stored.Status);
        var refund = Assert.Single(stored.Refunds);
        Assert.Equal((RefundStatus.Succeeded, 5000L), (refund.Status, refund.AmountMinor));
        Assert.Equal((NotificationType.RefundProcessed, "pat@example.com"), (notice.Type, notice.RecipientEmail));
        Assert.Contains("refunded €50.00", notice.Message);
        Assert.Equal((SlotState.Held, (Guid?)other.Id), (taken.State, taken.BookingId));
        Assert.Equal(BookingStatus.Expired, (await StateAsync(late.Id, slot.Id)).Item1.Status);

        // The same success reported again refunds nothing more.
        var again = await WithAsync(sp => sp.GetRequiredService<PaymentOutcomes>()
            .SucceededAsync(new PaymentRef(PaymentId: payment.Id), "ch_late", CancellationToken.None));
        Assert.Equal(PaymentApplied.AlreadyApplied, again);
        Assert.Single((await _app.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == payment.Id))).Refunds);
    }

    [Fact]
    public async Task The_test_card_page_refuses_to_charge_after_the_hold_ended()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var (booking, _) = await HeldAndReadyToPayAsync(specialist.Slots[3]);
        _app.Clock.Advance(Duration.FromMinutes(16));

        var outcome = await WithAsync(sp => sp.GetRequiredService<BookingService>()
            .PayWithTestCardAsync(booking.Id, "4242424242424242", CancellationToken.None));

        Assert.IsType<TestCardOutcome.HoldEnded>(outcome);
        Assert.Equal(PaymentStatus.Pending, (await _app.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == booking.Id))).Status);
    }

    [Fact]
    public async Task A_second_payment_for_an_already_confirmed_booking_is_refunded()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var (booking, first) = await HeldAndReadyToPayAsync(specialist.Slots[3]);
        var outcomes = (Func<Guid, Task<PaymentApplied>>)(id => WithAsync(sp => sp.GetRequiredService<PaymentOutcomes>()
            .SucceededAsync(new PaymentRef(PaymentId: id), "ch_" + id.ToString("N")[..8], CancellationToken.None)));
        Assert.Equal(PaymentApplied.Confirmed, await outcomes(first.Id));
        // A second checkout of the same booking that was paid too (e.g. in another tab).
        var second = Payment.Start(booking.Id, new Money(5000, "EUR"), "test", _app.Clock.GetCurrentInstant());
        await _app.WithDbAsync(db => { db.Payments.Add(second); return db.SaveChangesAsync(); });

        Assert.Equal(PaymentApplied.Refunded, await outcomes(second.Id));
        Assert.Equal(1, await RunRefundsAsync());

        var payments = await _app.WithDbAsync(db => db.Payments.AsNoTracking().Where(p => p.BookingId == booking.Id).ToListAsync());
        Assert.Equal(PaymentStatus.Succeeded, payments.Single(p => p.Id == first.Id).Status);
        var refunded = payments.Single(p => p.Id == second.Id);
        Assert.Equal(PaymentStatus.Refunded, refunded.Status);
        Assert.Equal($"refund-{second.Id:N}-1", Assert.Single(refunded.Refunds).IdempotencyKey);
        Assert.Equal(BookingStatus.Confirmed, (await StateAsync(booking.Id, specialist.Slots[3].Id)).Item1.Status);
    }
}

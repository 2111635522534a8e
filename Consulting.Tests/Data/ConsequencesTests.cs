using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Data;

/// <summary>A change and the rows of what must follow it (Data/DomainEventDispatch) are saved together or not at all.</summary>
public sealed class ConsequencesTests
{
    [Fact]
    public async Task A_cancellation_and_what_follows_it_commit_together_or_not_at_all()
    {
        using var app = new AppFactory();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var booking = await app.ConfirmedBookingAsync(specialist.Slots[0], email: "ana@example.com");
        var userId = await app.WithDbAsync(db => db.Specialists.Where(s => s.Id == specialist.Id).Select(s => s.UserId).SingleAsync());

        async Task CancelAsync(bool commit)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            var tracked = await db.Bookings.SingleAsync(b => b.Id == booking.Id);
            tracked.Cancel(Actor.Specialist(userId), "Ill", app.Clock.GetCurrentInstant(), CancellationPolicy.Default);
            await db.SaveChangesAsync();
            if (commit) await tx.CommitAsync();
        }

        await CancelAsync(commit: false);
        await app.WithDbAsync(async db =>
        {
            Assert.Equal(BookingStatus.Confirmed, (await db.Bookings.SingleAsync(b => b.Id == booking.Id)).Status);
            Assert.Equal(SlotState.Booked, (await db.Slots.SingleAsync(s => s.Id == booking.SlotId)).State);
            Assert.Equal(PaymentStatus.Succeeded, (await db.Payments.SingleAsync(p => p.BookingId == booking.Id)).Status);
            Assert.False(await db.Notifications.AnyAsync(n => n.BookingId == booking.Id && n.Type == NotificationType.Cancelled));
        });

        await CancelAsync(commit: true);
        await app.WithDbAsync(async db =>
        {
            Assert.Equal(BookingStatus.Cancelled, (await db.Bookings.SingleAsync(b => b.Id == booking.Id)).Status);
            Assert.Equal(SlotState.Available, (await db.Slots.SingleAsync(s => s.Id == booking.SlotId)).State);
            var payment = await db.Payments.Include(p => p.Refunds).SingleAsync(p => p.BookingId == booking.Id);
            Assert.Equal(PaymentStatus.RefundPending, payment.Status);
            Assert.Equal(CancellationPolicy.RefundReason(ActorRole.Specialist), Assert.Single(payment.Refunds).Reason);
            var told = await db.Notifications.Where(n => n.BookingId == booking.Id && n.Type == NotificationType.Cancelled)
                .Select(n => n.RecipientEmail).ToListAsync();
            Assert.Equal(2, told.Count);
            Assert.Contains("ana@example.com", told);
            Assert.Contains(specialist.Email, told);
        });
    }

    [Fact]
    public async Task A_context_built_by_hand_refuses_a_change_whose_consequences_it_cannot_record()
    {
        using var app = new AppFactory();
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var booking = await app.HeldBookingAsync(specialist.Slots[0]);

        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Bookings.SingleAsync(b => b.Id == booking.Id);
            tracked.Expire(booking.HoldExpiresAt);
            db.Services = null;
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
            Assert.Contains("consequences", refused.Message);
        });
        Assert.Equal(BookingStatus.Pending, await app.WithDbAsync(db => db.Bookings.Where(b => b.Id == booking.Id).Select(b => b.Status).SingleAsync()));
    }
}

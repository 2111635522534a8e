using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Payments;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Bookings;

public abstract record ChangeOutcome
{
    public sealed record Done(Booking Booking) : ChangeOutcome;
    /// <summary>Not allowed in the booking's state or this close to the start; nothing changed.</summary>
    public sealed record Refused(string Message) : ChangeOutcome;
    /// <summary>The chosen new time went to someone else first.</summary>
    public sealed record Taken(IReadOnlyList<OpenSlot> Alternatives) : ChangeOutcome;
}

/// <summary>Rescheduling and cancelling a booking — by its customer (from a signed link), specialist or an admin.</summary>
public sealed class BookingChanges(
    AppDbContext db,
    OpenSlots openSlots,
    FollowUps followUps,
    OfferRules offerRules,
    IClock clock,
    IOptions<BookingOptions> options)
{
    public CancellationPolicy Policy => options.Value.Policy;

    // Parameters: OfferRules' three, then the booking, the new slot and the specialist. Constant text.
    private static readonly string TakeSlotSql = $$"""
        UPDATE "Slots" SET "State" = {{(int)SlotState.Booked}}, "BookingId" = {3}, "HeldUntil" = NULL
        WHERE "Id" = {4} AND "SpecialistId" = {5} AND {{OfferRules.Condition("\"Slots\"", "{0}", "{1}", "{2}")}}
        """;

    /// <summary>What cancelling now would refund, for the page to state before the customer confirms.</summary>
    public RefundDecision PreviewCancel(Booking booking, ActorRole by) =>
        booking.RefundIfCancelled(by, clock.GetCurrentInstant(), Policy);

    public bool CanReschedule(Booking booking, ActorRole by) => booking.CanReschedule(by, clock.GetCurrentInstant(), Policy);

    /// <summary>Why a booking can't be rescheduled now (null when it can).</summary>
    public string? RescheduleRefusal(Booking booking, ActorRole by)
    {
        var now = clock.GetCurrentInstant();
        if (booking.Status != BookingStatus.Confirmed) return $"This booking is {Booking.Describe(booking.Status)}, so it can't be rescheduled.";
        if (now >= booking.Start) return "This session has already started.";
        return booking.CanReschedule(by, now, Policy) ? null
            : $"{Policy.RescheduleClosed} Contact the specialist, or cancel instead.";
    }

    public async Task<ChangeOutcome> CancelAsync(Guid bookingId, Actor by, string? reason, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // A payment, a reschedule or another cancel of this booking waits for this one, and the reverse.
            await db.LockRowAsync<Booking>(bookingId, ct);
            var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId, ct);
            if (await CancelLockedAsync(booking, by, reason, now, ct) is { } refusal) return new ChangeOutcome.Refused(refusal);
            await tx.CommitAsync(ct);
        }
        // Outside the transaction: this booking's meeting is deleted and its refund sent (or retried later).
        await followUps.ForBookingAsync(bookingId, ct);
        return new ChangeOutcome.Done(await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId, ct));
    }

    /// <summary>
    /// Cancels a booking whose row the caller has locked; returns why not, or null once it is saved.
    /// The slot, the refund and the messages follow from the booking's event, in the same save.
    /// </summary>
    private async Task<string?> CancelLockedAsync(Booking booking, Actor by, string? reason, Instant now, CancellationToken ct)
    {
        try
        {
            booking.Cancel(by, reason, now, Policy);
        }
        catch (DomainException e)
        {
            return e.Message;
        }
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Moves a booking to another open slot of its specialist: the old slot is released and the new
    /// one taken with one conditional UPDATE (so a concurrent booking or reschedule of it loses
    /// cleanly), in one transaction. Releasing first lets a move within one day pass a daily cap.
    /// </summary>
    public async Task<ChangeOutcome> RescheduleAsync(Guid bookingId, Guid newSlotId, Actor by, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        Guid specialistId;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.LockRowAsync<Booking>(bookingId, ct);
            var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId, ct);
            specialistId = booking.SpecialistId;
            if (RescheduleRefusal(booking, by.Role) is { } refusal) return new ChangeOutcome.Refused(refusal);
            if (newSlotId == booking.SlotId) return new ChangeOutcome.Refused("That is already the booked time.");

            // Before the old slot's row: a hold takes the cap's lock first, then its slot's.
            await OfferRules.LockDailyCapAsync(db.Database, booking.SpecialistId, ct);
            var oldSlot = await db.Slots.SingleOrDefaultAsync(s => s.Id == booking.SlotId, ct);
            if (oldSlot is not null && oldSlot.BookingId == booking.Id && oldSlot.State == SlotState.Booked)
            {
                oldSlot.Release(booking.Id);
                await db.SaveChangesAsync(ct);
            }
            // The new slot is taken only if customers are offered it now (OfferRules), in the same write.
            var won = await db.Database.ExecuteSqlRawAsync(TakeSlotSql,
                [.. offerRules.Parameters(now), booking.Id, newSlotId, booking.SpecialistId], ct);
            if (won == 1)
            {
                var newSlot = await db.Slots.AsNoTracking().SingleAsync(s => s.Id == newSlotId, ct);
                booking.Reschedule(newSlot, by, null, now, Policy);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var target = await db.Slots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == newSlotId, ct);
                if (target is not null && target.SpecialistId != specialistId) return new ChangeOutcome.Refused("That time isn't one of this specialist's.");
                // Gone: the specialist's hours changed since the page was drawn.
                return new ChangeOutcome.Taken(await openSlots.NearestAsync(specialistId, target?.Start ?? now, 6, ct));
            }
        }
        await followUps.ForBookingAsync(bookingId, ct);
        return new ChangeOutcome.Done(await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId, ct));
    }
}

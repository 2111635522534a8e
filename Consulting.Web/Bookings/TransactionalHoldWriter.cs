using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>
/// A hold in a transaction of its own, through EF Core (PostgreSQL): concurrent holds of one slot
/// queue on its row lock, and the ones after the winner find it no longer offered.
/// </summary>
public sealed class TransactionalHoldWriter(IServiceScopeFactory scopes) : HoldWriter
{
    // Parameters: OfferRules' three, then the booking, its hold's end, the slot and what the booking
    // was made from. The slot must still be that slot (a reconcile may change a free slot's end or
    // price) and still be offered (OfferRules); otherwise the hold lost. Constant text.
    private static readonly string HoldSlotSql = $$"""
        UPDATE "Slots" SET "State" = {{(int)SlotState.Held}}, "BookingId" = {3}, "HeldUntil" = {4}
        WHERE "Id" = {5} AND "Start" = {6} AND "End" = {7} AND "PriceMinor" = {8} AND "Currency" = {9}
          AND {{OfferRules.Condition("\"Slots\"", "{0}", "{1}", "{2}")}}
        """;

    public override async Task<bool> HoldAsync(Booking booking, Instant now, BookingRules siteDefaults, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // All or nothing: a savepoint around the INSERTs would only cost round trips.
        db.Database.AutoSavepointsEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await OfferRules.LockDailyCapAsync(db.Database, booking.SpecialistId, ct);
        var won = await db.Database.ExecuteSqlRawAsync(HoldSlotSql,
            [
                .. OfferRules.Parameters(now, siteDefaults), booking.Id, booking.HoldExpiresAt.ToUnixTimeTicks(), booking.SlotId,
                booking.Start.ToUnixTimeTicks(), booking.End.ToUnixTimeTicks(), booking.PriceMinor, booking.Currency,
            ], ct);
        if (won != 1) return false;
        db.Bookings.Add(booking);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}

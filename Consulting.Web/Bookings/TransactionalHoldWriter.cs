using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>
/// A hold in a transaction of its own, through EF Core (PostgreSQL): concurrent holds of one slot
/// queue on its row lock, and the ones after the winner find it no longer free.
/// </summary>
public sealed class TransactionalHoldWriter(IServiceScopeFactory scopes) : HoldWriter
{
    public override async Task<bool> HoldAsync(Booking booking, Instant earliest, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // All or nothing: a savepoint around the INSERTs would only cost round trips.
        db.Database.AutoSavepointsEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The slot must still be free and still be the slot the booking was made from (a regeneration
        // may change a free slot's end or price): otherwise the hold lost.
        var won = await db.Slots
            .Where(s => s.Id == booking.SlotId && s.State == SlotState.Available && s.Start >= earliest
                && s.Start == booking.Start && s.End == booking.End && s.PriceMinor == booking.PriceMinor && s.Currency == booking.Currency)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.State, SlotState.Held)
                .SetProperty(s => s.BookingId, booking.Id)
                .SetProperty(s => s.HeldUntil, booking.HoldExpiresAt), ct);
        if (won != 1) return false;
        db.Bookings.Add(booking);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}

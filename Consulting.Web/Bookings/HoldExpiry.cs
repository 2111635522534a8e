using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Payments;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>Releases the slots of unpaid bookings whose hold has run out (booking → expired).</summary>
public sealed class HoldExpiry(AppDbContext db, CheckoutEndings checkouts, IClock clock)
{
    public async Task<int> ReleaseExpiredAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var due = await db.Bookings.AsNoTracking()
            .Where(b => b.Status == BookingStatus.Pending && b.HoldExpiresAt <= now)
            .Select(b => b.Id).ToListAsync(ct);
        var released = 0;
        foreach (var id in due)
            if (await ExpireAsync(id, ct)) released++;
        // Their open checkouts end at the provider (and earlier failures are retried).
        await checkouts.RunDueAsync(ct);
        return released;
    }

    /// <summary>Expires one booking if it is still pending past its hold; false if something else got there first.</summary>
    public async Task<bool> ExpireAsync(Guid bookingId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetCurrentInstant();
        var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId, ct);
        if (!booking.IsHoldExpired(now)) return false;
        // Its slot is released and its open checkouts marked to end with it (the consequences of HoldExpired).
        booking.Expire(now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A payment confirmed it (or a customer cancelled) at the same moment: theirs stands.
            db.ChangeTracker.Clear();
            return false;
        }
        return true;
    }
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

public sealed record CustomerBookingRow(Booking Booking, string SpecialistName, string SpecialistSlug, bool Reviewed);

/// <summary>A signed-in customer's own bookings (guests reach theirs through the links in their emails).</summary>
public sealed class CustomerBookings(AppDbContext db, IClock clock)
{
    public const int PageSize = 20;

    public async Task<Paged<CustomerBookingRow>> ListAsync(string userId, string zoneId, BookingFilter f, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        // An unpaid hold shows while it can still be paid; lapsed ones are noise.
        var bookings = db.Bookings.AsNoTracking()
            .Where(b => b.CustomerUserId == userId && b.Status != BookingStatus.Expired
                && (b.Status != BookingStatus.Pending || b.HoldExpiresAt > now))
            .Filter(f, zoneId, now);
        var query = from b in bookings
                    join s in db.Specialists on b.SpecialistId equals s.Id
                    select new { b, s.DisplayName, s.Slug, Reviewed = db.Reviews.Any(r => r.BookingId == b.Id) };
        var page = await (f.Past == true ? query.OrderByDescending(x => x.b.Start) : query.OrderBy(x => x.b.Start))
            .ToPageAsync(f.Page, PageSize, ct);
        return page.Map(x => new CustomerBookingRow(x.b, x.DisplayName, x.Slug, x.Reviewed));
    }

    /// <summary>
    /// Guest bookings made with the account's confirmed address become the account's: they appear in
    /// My bookings, and the links in their emails keep working. Only a confirmed address proves they
    /// are this person's. Returns how many joined.
    /// </summary>
    public Task<int> ClaimGuestBookingsAsync(AppUser user, CancellationToken ct)
    {
        if (!user.EmailConfirmed || user.NormalizedEmail is not { Length: > 0 } normalized) return Task.FromResult(0);
        // Guests type their address in any case; Identity's normalized form is upper-case.
        return db.Bookings.Where(b => b.CustomerUserId == null && b.CustomerEmail.ToUpper() == normalized)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.CustomerUserId, user.Id), ct);
    }
}

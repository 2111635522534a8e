using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <param name="Past">Ended sessions, or those still to come (or in progress); null for both.</param>
public sealed record BookingFilter(bool? Past, BookingStatus? Status, LocalDate? From, LocalDate? To, int Page);

/// <summary>Query pieces the booking lists (specialist, customer, admin) share.</summary>
public static class BookingQueries
{
    /// <summary>Upcoming or past, status and a date range read in <paramref name="zoneId"/>.</summary>
    public static IQueryable<Booking> Filter(this IQueryable<Booking> query, BookingFilter f, string zoneId, Instant now)
    {
        var zone = TimeZones.Get(zoneId);
        if (f.Past is { } past) query = past ? query.Where(b => b.End <= now) : query.Where(b => b.End > now);
        if (f.Status is { } status) query = query.Where(b => b.Status == status);
        if (f.From is { } from) { var start = zone.AtStartOfDay(from).ToInstant(); query = query.Where(b => b.Start >= start); }
        if (f.To is { } to) { var end = zone.AtStartOfDay(to.PlusDays(1)).ToInstant(); query = query.Where(b => b.Start < end); }
        return query;
    }

    /// <summary>Each booking's latest payment status (a booking may have had a declined try before the paid one).</summary>
    public static async Task<IReadOnlyDictionary<Guid, PaymentStatus>> LatestPaymentStatusesAsync(this AppDbContext db,
        IEnumerable<Guid> bookingIds, CancellationToken ct)
    {
        var ids = bookingIds.ToList();
        var payments = await db.Payments.AsNoTracking().Where(p => ids.Contains(p.BookingId))
            .Select(p => new { p.BookingId, p.Status, p.CreatedAt }).ToListAsync(ct);
        return payments.GroupBy(p => p.BookingId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.CreatedAt).First().Status);
    }
}

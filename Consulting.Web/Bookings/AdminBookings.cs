using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

public sealed record AdminBookingRow(Booking Booking, string SpecialistName, PaymentStatus? Payment);

public sealed record SpecialistOption(Guid Id, string Name);

/// <summary>One booking with everything that happened to it: payments and refunds, messages, the review.</summary>
public sealed record AdminBookingDetail(Booking Booking, SpecialistProfile Specialist, IReadOnlyList<Payment> Payments,
    IReadOnlyList<Notification> Notifications, Review? Review);

/// <summary>Every booking, for admins: filtered by status, specialist, dates (UTC) and customer, newest session first.</summary>
public sealed class AdminBookings(AppDbContext db, IClock clock)
{
    public const int PageSize = 25;

    public async Task<Paged<AdminBookingRow>> ListAsync(BookingFilter f, Guid? specialistId, string? customer, CancellationToken ct)
    {
        var bookings = db.Bookings.AsNoTracking().Filter(f, "UTC", clock.GetCurrentInstant());
        if (specialistId is { } sid) bookings = bookings.Where(b => b.SpecialistId == sid);
        if (!string.IsNullOrWhiteSpace(customer))
        {
            var term = customer.Trim().ToLowerInvariant();
            bookings = bookings.Where(b => b.CustomerEmail.ToLower().Contains(term) || b.CustomerName.ToLower().Contains(term));
        }
        var query = from b in bookings
                    join s in db.Specialists on b.SpecialistId equals s.Id
                    orderby b.Start descending
                    select new { b, s.DisplayName };
        var page = await query.ToPageAsync(f.Page, PageSize, ct);
        var payments = await db.LatestPaymentStatusesAsync(page.Rows.Select(x => x.b.Id), ct);
        return page.Map(x => new AdminBookingRow(x.b, x.DisplayName, payments.TryGetValue(x.b.Id, out var s) ? s : null));
    }

    public async Task<AdminBookingDetail?> DetailAsync(Guid id, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (booking is null) return null;
        var specialist = await db.Specialists.AsNoTracking().SingleAsync(s => s.Id == booking.SpecialistId, ct);
        var payments = await db.Payments.AsNoTracking().Where(p => p.BookingId == id).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        var notifications = await db.Notifications.AsNoTracking().Where(n => n.BookingId == id).OrderBy(n => n.CreatedAt).ToListAsync(ct);
        var review = await db.Reviews.AsNoTracking().SingleOrDefaultAsync(r => r.BookingId == id, ct);
        return new AdminBookingDetail(booking, specialist, payments, notifications, review);
    }

    public async Task<IReadOnlyList<SpecialistOption>> SpecialistsAsync(CancellationToken ct) =>
        await db.Specialists.AsNoTracking().OrderBy(s => s.DisplayName).Select(s => new SpecialistOption(s.Id, s.DisplayName)).ToListAsync(ct);
}

using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Data;

public static class PaymentQueries
{
    /// <summary>A booking's latest payment (a new checkout adds one), read-only; null before any.</summary>
    public static Task<Payment?> LatestForAsync(this DbSet<Payment> payments, Guid bookingId, CancellationToken ct) =>
        payments.AsNoTracking().Where(p => p.BookingId == bookingId).OrderByDescending(p => p.CreatedAt).FirstOrDefaultAsync(ct);
}

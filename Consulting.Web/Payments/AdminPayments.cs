using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Payments;

public sealed record PaymentRow(Payment Payment, Guid BookingId, string CustomerName, string CustomerEmail, string SpecialistName,
    Instant SessionStart, BookingStatus BookingStatus);

/// <summary>Payments for admins: a filtered, paged list, and refunds issued by hand.</summary>
public sealed class AdminPayments(AppDbContext db, FollowUps followUps, IClock clock)
{
    public const int PageSize = 20;

    public async Task<Paged<PaymentRow>> ListAsync(PaymentStatus? status, int page, CancellationToken ct)
    {
        var query = from p in db.Payments.AsNoTracking()
                    join b in db.Bookings on p.BookingId equals b.Id
                    join s in db.Specialists on b.SpecialistId equals s.Id
                    where status == null || p.Status == status
                    select new { p, b.Id, b.CustomerName, b.CustomerEmail, s.DisplayName, b.Start, b.Status };
        var rows = await query.OrderByDescending(x => x.p.CreatedAt).ToPageAsync(page, PageSize, ct);
        return rows.Map(x => new PaymentRow(x.p, x.Id, x.CustomerName, x.CustomerEmail, x.DisplayName, x.Start, x.Status));
    }

    /// <summary>A full refund of what remains, sent by the refund job; null when done, else why not.</summary>
    public async Task<string?> RefundAsync(Guid paymentId, string? reason, CancellationToken ct)
    {
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.Id == paymentId, ct);
        if (payment is null) return "That payment doesn't exist.";
        try
        {
            payment.RequestRefund(string.IsNullOrWhiteSpace(reason) ? "Refunded by an administrator" : reason.Trim(), clock.GetCurrentInstant());
            await db.SaveChangesAsync(ct);
        }
        catch (DomainException e)
        {
            return e.Message;
        }
        await followUps.ForBookingAsync(payment.BookingId, ct);
        return null;
    }
}

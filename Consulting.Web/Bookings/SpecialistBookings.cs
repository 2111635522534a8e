using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

public sealed record BookingFilter(bool Past, BookingStatus? Status, LocalDate? From, LocalDate? To, int Page);

public sealed record SpecialistBookingRow(Booking Booking, PaymentStatus? Payment);

public sealed record SpecialistBookingPage(IReadOnlyList<SpecialistBookingRow> Rows, int Total, int Page, int PageCount);

/// <summary>A specialist's own bookings (never anyone else's) and what they can do with them after the session.</summary>
public sealed class SpecialistBookings(AppDbContext db, Notifier notifier, IClock clock)
{
    public const int PageSize = 20;

    public async Task<SpecialistBookingPage> ListAsync(Guid specialistId, string zoneId, BookingFilter f, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var zone = TimeZones.Get(zoneId);
        var query = db.Bookings.AsNoTracking().Where(b => b.SpecialistId == specialistId
            && b.Status != BookingStatus.Pending && b.Status != BookingStatus.Expired);
        query = f.Past ? query.Where(b => b.Start < now) : query.Where(b => b.Start >= now);
        if (f.Status is { } status) query = query.Where(b => b.Status == status);
        if (f.From is { } from) { var start = zone.AtStartOfDay(from).ToInstant(); query = query.Where(b => b.Start >= start); }
        if (f.To is { } to) { var end = zone.AtStartOfDay(to.PlusDays(1)).ToInstant(); query = query.Where(b => b.Start < end); }

        var total = await query.CountAsync(ct);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        var page = Math.Clamp(f.Page, 1, pageCount);
        var ordered = f.Past ? query.OrderByDescending(b => b.Start) : query.OrderBy(b => b.Start);
        var bookings = await ordered.Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        var ids = bookings.Select(b => b.Id).ToList();
        var payments = (await db.Payments.AsNoTracking().Where(p => ids.Contains(p.BookingId))
                .Select(p => new { p.BookingId, p.Status, p.CreatedAt }).ToListAsync(ct))
            .GroupBy(p => p.BookingId).ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.CreatedAt).First().Status);
        return new SpecialistBookingPage(
            bookings.Select(b => new SpecialistBookingRow(b, payments.TryGetValue(b.Id, out var s) ? s : null)).ToList(),
            total, page, pageCount);
    }

    /// <summary>Null when done; otherwise why not (the booking isn't theirs: "not found").</summary>
    public Task<string?> MarkCompletedAsync(Guid specialistId, string userId, Guid bookingId, CancellationToken ct) =>
        ChangeAsync(specialistId, bookingId, async (b, now) =>
        {
            b.MarkCompleted(Actor.Specialist(userId), now);
            await notifier.SessionCompletedAsync(b, ct);
        }, ct);

    public Task<string?> MarkNoShowAsync(Guid specialistId, string userId, Guid bookingId, CancellationToken ct) =>
        ChangeAsync(specialistId, bookingId, (b, now) => { b.MarkNoShow(Actor.Specialist(userId), now); return Task.CompletedTask; }, ct);

    public Task<string?> AddRecordingAsync(Guid specialistId, Guid bookingId, string? url, CancellationToken ct) =>
        ChangeAsync(specialistId, bookingId, async (b, _) =>
        {
            b.AddRecording(url ?? "");
            await notifier.RecordingReadyAsync(b, ct);
        }, ct);

    public Task<bool> OwnsAsync(Guid specialistId, Guid bookingId, CancellationToken ct) =>
        db.Bookings.AnyAsync(b => b.Id == bookingId && b.SpecialistId == specialistId, ct);

    private async Task<string?> ChangeAsync(Guid specialistId, Guid bookingId, Func<Booking, Instant, Task> change, CancellationToken ct)
    {
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId && b.SpecialistId == specialistId, ct);
        if (booking is null) return NotFound;
        try
        {
            await change(booking, clock.GetCurrentInstant());
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DomainException e)
        {
            db.ChangeTracker.Clear();
            return e.Message;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return "The booking changed in the meantime; look again.";
        }
    }

    public const string NotFound = "not found";
}

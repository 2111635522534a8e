using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

public sealed record SpecialistBookingRow(Booking Booking, PaymentStatus? Payment);

/// <summary>A specialist's own bookings (never anyone else's) and what they can do with them after the session.</summary>
public sealed class SpecialistBookings(AppDbContext db, IClock clock)
{
    public const int PageSize = 20;

    public async Task<Paged<SpecialistBookingRow>> ListAsync(Guid specialistId, string zoneId, BookingFilter f, CancellationToken ct)
    {
        var query = db.Bookings.AsNoTracking()
            .Where(b => b.SpecialistId == specialistId && b.Status != BookingStatus.Pending && b.Status != BookingStatus.Expired)
            .Filter(f, zoneId, clock.GetCurrentInstant());
        var page = await (f.Past == true ? query.OrderByDescending(b => b.Start) : query.OrderBy(b => b.Start))
            .ToPageAsync(f.Page, PageSize, ct);
        var payments = await db.LatestPaymentStatusesAsync(page.Rows.Select(b => b.Id), ct);
        return page.Map(b => new SpecialistBookingRow(b, payments.TryGetValue(b.Id, out var s) ? s : null));
    }

    /// <summary>Null when done; otherwise why not (the booking isn't theirs: "not found").</summary>
    public Task<string?> MarkCompletedAsync(Guid specialistId, string userId, Guid bookingId, CancellationToken ct) =>
        ChangeAsync(specialistId, bookingId, (b, now) => b.MarkCompleted(Actor.Specialist(userId), now), ct);

    public Task<string?> MarkNoShowAsync(Guid specialistId, string userId, Guid bookingId, CancellationToken ct) =>
        ChangeAsync(specialistId, bookingId, (b, now) => b.MarkNoShow(Actor.Specialist(userId), now), ct);

    public Task<string?> AddRecordingAsync(Guid specialistId, Guid bookingId, string? url, CancellationToken ct) =>
        ChangeAsync(specialistId, bookingId, (b, _) => b.AddRecording(url ?? ""), ct);

    public Task<bool> OwnsAsync(Guid specialistId, Guid bookingId, CancellationToken ct) =>
        db.Bookings.AnyAsync(b => b.Id == bookingId && b.SpecialistId == specialistId, ct);

    private async Task<string?> ChangeAsync(Guid specialistId, Guid bookingId, Action<Booking, Instant> change, CancellationToken ct)
    {
        var booking = await db.Bookings.SingleOrDefaultAsync(b => b.Id == bookingId && b.SpecialistId == specialistId, ct);
        if (booking is null) return NotFound;
        try
        {
            change(booking, clock.GetCurrentInstant());
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

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Notifications;

/// <summary>
/// Records notifications (the outbox rows) for booking events. Recording is part of the caller's
/// unit of work; delivery happens later, from the stored rows. Each has a dedupe key, so an event
/// handled twice records once.
/// </summary>
public sealed class Notifier(AppDbContext db, IClock clock)
{
    private static readonly Channel[] PersonChannels = [Channel.Email, Channel.InApp, Channel.Sms];

    public async Task BookingConfirmedAsync(Booking booking, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        var customerTime = Describe(booking.Start, booking.CustomerTimeZoneId);
        var specialistTime = Describe(booking.Start, specialist.Recipient.TimeZoneId);

        await AddOnceAsync(NotificationType.BookingConfirmation, CustomerOf(booking), booking.Id,
            $"Your session with {specialist.Name} is confirmed",
            $"{customerTime}. The meeting link and calendar invite are in your email.", $"confirmed:{booking.Id:N}", ct);
        await AddOnceAsync(NotificationType.NewBooking, specialist.Recipient, booking.Id,
            $"New booking: {booking.CustomerName}",
            $"{booking.CustomerName} booked {specialistTime}.", $"new-booking:{booking.Id:N}", ct);
    }

    /// <summary>A payment arrived after its hold ran out and the time had gone to someone else.</summary>
    public async Task LatePaymentRefundedAsync(Booking booking, Money amount, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        await AddOnceAsync(NotificationType.RefundProcessed, CustomerOf(booking), booking.Id,
            "Your payment was refunded",
            $"Your hold on {Describe(booking.Start, booking.CustomerTimeZoneId)} with {specialist.Name} ran out before the payment arrived, " +
            $"and the time was booked by someone else. We refunded {Currencies.Format(amount)} in full.",
            $"late-refund:{booking.Id:N}", ct);
    }

    private static Recipient CustomerOf(Booking b) => new(b.CustomerUserId, b.CustomerEmail, b.CustomerPhone, b.CustomerTimeZoneId);

    private async Task<(string Name, Recipient Recipient)> SpecialistRecipientAsync(Guid specialistId, CancellationToken ct)
    {
        var row = await (from p in db.Specialists
                         join u in db.Users on p.UserId equals u.Id
                         where p.Id == specialistId
                         select new { p.DisplayName, p.UserId, u.Email, u.PhoneNumber, p.TimeZoneId }).SingleAsync(ct);
        return (row.DisplayName, new Recipient(row.UserId, row.Email ?? "", row.PhoneNumber, row.TimeZoneId));
    }

    private async Task AddOnceAsync(NotificationType type, Recipient to, Guid bookingId, string title, string message,
        string dedupeKey, CancellationToken ct)
    {
        if (await db.Notifications.AnyAsync(n => n.DedupeKey == dedupeKey, ct)
            || db.Notifications.Local.Any(n => n.DedupeKey == dedupeKey)) return;
        db.Notifications.Add(Notification.Create(type, to, bookingId, title, message, PersonChannels, clock.GetCurrentInstant(), dedupeKey));
    }

    /// <summary>"Mon 9 Nov 2026, 09:00 CET (Madrid)".</summary>
    public static string Describe(Instant start, string zoneId) => ZoneDisplay.DateTime(start, zoneId);
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Notifications;

/// <summary>
/// Records notifications (the outbox rows) for booking events. Recording is part of the caller's
/// unit of work; delivery happens later, from the stored rows. Each has a dedupe key, so an event
/// handled twice records once.
/// </summary>
public sealed class Notifier(AppDbContext db, ISmsSender sms, IClock clock, IOptions<BookingOptions> bookingOptions) : IConsequence
{
    /// <summary>Who is told what after a change to a booking or its payment.</summary>
    public async Task RecordAsync(IDomainEvent e, CancellationToken ct)
    {
        switch (e)
        {
            case BookingConfirmed c:
                await BookingConfirmedAsync(c.Booking, ct);
                await PaymentReceivedAsync(c.Booking, c.Payment, ct);
                break;
            case BookingCancelled c:
                await CancelledAsync(c.Booking, c.Booking.Cancellation?.Refund ?? RefundDecision.None, ct);
                break;
            case BookingRescheduled r:
                await RescheduledAsync(r.Booking, r.PreviousStart, ct);
                break;
            case SessionCompleted c:
                await SessionCompletedAsync(c.Booking, ct);
                break;
            case RecordingShared r:
                await RecordingReadyAsync(r.Booking, ct);
                break;
            case MeetingKeepsFailing m:
                await MeetingProblemAsync(m.Booking, ct);
                break;
            case ReviewWritten r:
                await ReviewReceivedAsync(r.Booking, r.Review, ct);
                break;
            case RefundCompleted r:
                await RefundProcessedAsync(await db.Bookings.SingleAsync(b => b.Id == r.Payment.BookingId, ct), r.Payment, r.Refund, ct);
                break;
        }
    }

    private async Task BookingConfirmedAsync(Booking booking, CancellationToken ct)
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

    private async Task SessionCompletedAsync(Booking booking, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        await AddOnceAsync(NotificationType.SessionCompleted, CustomerOf(booking), booking.Id,
            $"How was your session with {specialist.Name}?",
            $"Your session on {Describe(booking.Start, booking.CustomerTimeZoneId)} is marked completed. A short review helps others choose.",
            $"completed:{booking.Id:N}", ct);
    }

    private async Task RecordingReadyAsync(Booking booking, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        await AddOnceAsync(NotificationType.RecordingReady, CustomerOf(booking), booking.Id,
            $"Your session recording is ready",
            $"{specialist.Name} shared the recording of your session on {Describe(booking.Start, booking.CustomerTimeZoneId)}: {booking.RecordingUrl}",
            $"recording:{booking.Id:N}:{booking.RecordingUrl}", ct);
    }

    private async Task ReviewReceivedAsync(Booking booking, Review review, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        await AddOnceAsync(NotificationType.ReviewReceived, specialist.Recipient, booking.Id,
            $"New review: {review.Rating} of 5 stars from {review.AuthorName}",
            $"{review.AuthorName} reviewed your session on {Describe(booking.Start, specialist.Recipient.TimeZoneId)}: “{review.Text}”",
            $"review:{review.Id:N}", ct);
    }

    /// <summary>The customer's receipt, beside the confirmation.</summary>
    private async Task PaymentReceivedAsync(Booking booking, Payment payment, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        await AddOnceAsync(NotificationType.PaymentReceived, CustomerOf(booking), booking.Id,
            $"Receipt: {Currencies.Format(payment.Amount)} paid",
            $"We received {Currencies.Format(payment.Amount)} for your session with {specialist.Name} on " +
            $"{Describe(booking.Start, booking.CustomerTimeZoneId)}.{(payment.Provider == "test" ? " (Test mode: no real money was taken.)" : "")}",
            $"paid:{payment.Id:N}", ct);
    }

    private async Task RefundProcessedAsync(Booking booking, Payment payment, Refund refund, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        var amount = Currencies.Format(new Money(refund.AmountMinor, payment.Currency));
        await AddOnceAsync(NotificationType.RefundProcessed, CustomerOf(booking), booking.Id,
            $"We refunded {amount}",
            CancellationPolicy.RefundMade(refund.Reason, amount,
                $"your session with {specialist.Name} on {Describe(booking.Start, booking.CustomerTimeZoneId)}"),
            $"refunded:{refund.Id:N}", ct);
    }

    private async Task RescheduledAsync(Booking booking, Instant previousStart, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        var key = $"rescheduled:{booking.Id:N}:{booking.Sequence}";
        await AddOnceAsync(NotificationType.Rescheduled, CustomerOf(booking), booking.Id,
            $"Your session with {specialist.Name} has moved",
            $"New time: {Describe(booking.Start, booking.CustomerTimeZoneId)} (was {Describe(previousStart, booking.CustomerTimeZoneId)}).",
            key + ":customer", ct);
        await AddOnceAsync(NotificationType.Rescheduled, specialist.Recipient, booking.Id,
            $"{booking.CustomerName} moved their session",
            $"New time: {Describe(booking.Start, specialist.Recipient.TimeZoneId)} (was {Describe(previousStart, specialist.Recipient.TimeZoneId)}).",
            key + ":specialist", ct);
    }

    private async Task CancelledAsync(Booking booking, RefundDecision refund, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        var byCustomer = booking.Cancellation?.ByRole == ActorRole.Customer;
        if (booking.Cancellation?.ByRole == ActorRole.System && booking.Cancellation.Reason == CancellationPolicy.ProviderRefundReason)
        {
            // Refunded at the payment provider (not through the app): neither of them cancelled it.
            await AddOnceAsync(NotificationType.Cancelled, CustomerOf(booking), booking.Id,
                $"Your session with {specialist.Name} is cancelled",
                CancellationPolicy.RefundedAtProvider(Currencies.Format(booking.Price), Describe(booking.Start, booking.CustomerTimeZoneId)),
                $"cancelled:{booking.Id:N}:customer", ct);
            await AddOnceAsync(NotificationType.Cancelled, specialist.Recipient, booking.Id,
                $"Cancelled: {booking.CustomerName}",
                $"The payment for {booking.CustomerName}'s session on {Describe(booking.Start, specialist.Recipient.TimeZoneId)} was refunded " +
                "at the payment provider, so the session is cancelled. The time is open again.",
                $"cancelled:{booking.Id:N}:specialist", ct);
            return;
        }
        var refundText = " " + bookingOptions.Value.Policy.Outcome(refund, Currencies.Format(booking.Price));
        await AddOnceAsync(NotificationType.Cancelled, CustomerOf(booking), booking.Id,
            $"Your session with {specialist.Name} is cancelled",
            $"{(byCustomer ? "You cancelled" : $"{specialist.Name} cancelled")} the session on {Describe(booking.Start, booking.CustomerTimeZoneId)}.{refundText}",
            $"cancelled:{booking.Id:N}:customer", ct);
        await AddOnceAsync(NotificationType.Cancelled, specialist.Recipient, booking.Id,
            $"Cancelled: {booking.CustomerName}",
            $"{(byCustomer ? booking.CustomerName : "You")} cancelled the session on {Describe(booking.Start, specialist.Recipient.TimeZoneId)}. The time is open again.",
            $"cancelled:{booking.Id:N}:specialist", ct);
    }

    private async Task MeetingProblemAsync(Booking booking, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        await AddOnceAsync(NotificationType.MeetingProblem, specialist.Recipient, booking.Id,
            "A meeting link couldn't be set up",
            $"The video meeting for {booking.CustomerName} on {Describe(booking.Start, specialist.Recipient.TimeZoneId)} failed at the provider " +
            $"({booking.MeetingSyncError}). The booking is safe; we keep retrying.",
            $"meeting-problem:{booking.Id:N}:{booking.Sequence}:{booking.MeetingSync}", ct);
    }

    /// <summary>
    /// A reminder for the booking's current time. The key includes the start, so a rescheduled
    /// booking is reminded again for its new time, and each reminder goes once.
    /// </summary>
    public async Task ReminderAsync(Booking booking, NotificationType kind, CancellationToken ct)
    {
        var specialist = await SpecialistRecipientAsync(booking.SpecialistId, ct);
        var lead = kind == NotificationType.Reminder1h ? "in 1 hour" : "in 24 hours";
        var key = $"{kind}:{booking.Id:N}:{booking.Start.ToUnixTimeTicks()}";
        await AddOnceAsync(kind, CustomerOf(booking), booking.Id,
            $"Reminder: your session with {specialist.Name} is {lead}",
            $"{Describe(booking.Start, booking.CustomerTimeZoneId)}. Join with the meeting link in your confirmation.",
            key + ":customer", ct);
        await AddOnceAsync(kind, specialist.Recipient, booking.Id,
            $"Reminder: session with {booking.CustomerName} {lead}",
            $"{Describe(booking.Start, specialist.Recipient.TimeZoneId)}.",
            key + ":specialist", ct);
    }

    /// <summary>Null once the customer deleted their account: there is nobody left to tell.</summary>
    private static Recipient? CustomerOf(Booking b) =>
        b.IsCustomerForgotten ? null : new(b.CustomerUserId, b.CustomerEmail, b.CustomerPhone, b.CustomerTimeZoneId);

    private async Task<(string Name, Recipient Recipient)> SpecialistRecipientAsync(Guid specialistId, CancellationToken ct)
    {
        var row = await (from p in db.Specialists
                         join u in db.Users on p.UserId equals u.Id
                         where p.Id == specialistId
                         select new { p.DisplayName, p.UserId, u.Email, u.PhoneNumber, p.TimeZoneId }).SingleAsync(ct);
        return (row.DisplayName, new Recipient(row.UserId, row.Email ?? "", row.PhoneNumber, row.TimeZoneId));
    }

    private async Task AddOnceAsync(NotificationType type, Recipient? to, Guid bookingId, string title, string message,
        string dedupeKey, CancellationToken ct)
    {
        if (to is null) return;
        if (await db.Notifications.AnyAsync(n => n.DedupeKey == dedupeKey, ct)
            || db.Notifications.Local.Any(n => n.DedupeKey == dedupeKey)) return;
        db.Notifications.Add(Notification.Create(type, to, bookingId, title, message,
            Notification.ChannelsFor(type, sms.IsEnabled), clock.GetCurrentInstant(), dedupeKey));
    }

    /// <summary>"Mon 9 Nov 2026, 09:00 CET (Madrid)".</summary>
    public static string Describe(Instant start, string zoneId) => ZoneDisplay.DateTime(start, zoneId);
}

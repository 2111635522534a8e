using System.Text.Encodings.Web;
using System.Text.Json;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;

namespace Consulting.Web.Accounts;

/// <summary>
/// "Download your data": everything held about a person, as one readable JSON document — the account,
/// a specialist's profile and sessions, their bookings (with history), payments and refunds, reviews,
/// and the messages sent to them. Times are UTC (ISO 8601) with the zone they were shown in beside them.
/// </summary>
public sealed class AccountData(AppDbContext db, UserManager<AppUser> users, IClock clock)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Names and messages stay readable ("Díaz", "€") in a file meant for people; it is a download, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<byte[]> ExportAsync(AppUser user, CancellationToken ct)
    {
        var bookings = await db.Bookings.AsNoTracking().Where(b => b.CustomerUserId == user.Id).OrderBy(b => b.Start).ToListAsync(ct);
        var bookingIds = bookings.Select(b => b.Id).ToList();
        var specialistIds = bookings.Select(b => b.SpecialistId).Distinct().ToList();
        var specialists = await db.Specialists.AsNoTracking().Where(s => specialistIds.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => s.DisplayName, ct);
        // In the bookings' order.
        var payments = (await db.Payments.AsNoTracking().Where(p => bookingIds.Contains(p.BookingId)).ToListAsync(ct))
            .OrderBy(p => bookingIds.IndexOf(p.BookingId)).ThenBy(p => p.CreatedAt).ToList();
        var reviews = await db.Reviews.AsNoTracking()
            .Where(r => r.CustomerUserId == user.Id || bookingIds.Contains(r.BookingId)).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        var notifications = await db.Notifications.AsNoTracking().Where(n => n.RecipientUserId == user.Id)
            .OrderBy(n => n.CreatedAt).ToListAsync(ct);
        var profile = await db.Specialists.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == user.Id, ct);
        var sessions = profile is null ? [] : await db.Bookings.AsNoTracking()
            .Where(b => b.SpecialistId == profile.Id && b.Status != BookingStatus.Expired).OrderBy(b => b.Start).ToListAsync(ct);

        var document = new
        {
            ExportedAt = Time(clock.GetCurrentInstant()),
            Account = new
            {
                user.Id,
                user.Email,
                user.EmailConfirmed,
                Name = user.DisplayName,
                Phone = user.PhoneNumber,
                TimeZone = user.TimeZoneId,
                Roles = await users.GetRolesAsync(user),
            },
            SpecialistProfile = profile is null ? null : new
            {
                profile.Id,
                Address = "/specialists/" + profile.Slug,
                Name = profile.DisplayName,
                profile.Headline,
                profile.Bio,
                profile.PhotoUrl,
                TimeZone = profile.TimeZoneId,
                profile.Currency,
                CreatedAt = Time(profile.CreatedAt),
            },
            // A specialist's sessions with customers, as their bookings page shows them.
            SessionsAsSpecialist = sessions.Select(b => new
            {
                b.Id,
                Status = Booking.Describe(b.Status),
                Start = Time(b.Start),
                End = Time(b.End),
                Price = Amount(b.Price),
                Customer = b.CustomerName,
            }),
            Bookings = bookings.Select(b => new
            {
                b.Id,
                Specialist = specialists.GetValueOrDefault(b.SpecialistId),
                Status = Booking.Describe(b.Status),
                Start = Time(b.Start),
                End = Time(b.End),
                TimeZone = b.CustomerTimeZoneId,
                Price = Amount(b.Price),
                Customer = new { Name = b.CustomerName, Email = b.CustomerEmail, Phone = b.CustomerPhone },
                b.Notes,
                MeetingLink = b.Meeting?.JoinUrl,
                RecordingLink = b.RecordingUrl,
                BookedAt = Time(b.CreatedAt),
                Cancellation = b.Cancellation is { } c
                    ? new { By = c.ByRole.ToString(), At = Time(c.At), c.Reason, Refund = c.Refund == RefundDecision.Full ? "full" : "none" }
                    : null,
                History = b.StatusHistory.OrderBy(h => h.At).ThenBy(h => h.Id)
                    .Select(h => new { Status = Booking.Describe(h.Status), At = Time(h.At), By = h.ByRole.ToString(), h.Reason }),
                Reschedules = b.RescheduleHistory.OrderBy(r => r.At)
                    .Select(r => new { From = Time(r.FromStart), To = Time(r.ToStart), At = Time(r.At), By = r.ByRole.ToString(), r.Reason }),
            }),
            Payments = payments.Select(p => new
            {
                p.Id,
                p.BookingId,
                Amount = Amount(p.Amount),
                p.Provider,
                Status = p.Status.ToString(),
                CreatedAt = Time(p.CreatedAt),
                SucceededAt = Time(p.SucceededAt),
                Refunds = p.Refunds.OrderBy(r => r.RequestedAt).Select(r => new
                {
                    r.Id,
                    Amount = Amount(new Money(r.AmountMinor, p.Currency)),
                    r.Reason,
                    Status = r.Status.ToString(),
                    RequestedAt = Time(r.RequestedAt),
                    CompletedAt = Time(r.CompletedAt),
                }),
            }),
            Reviews = reviews.Select(r => new
            {
                r.Id,
                r.BookingId,
                Specialist = specialists.GetValueOrDefault(r.SpecialistId),
                r.AuthorName,
                r.Rating,
                r.Text,
                CreatedAt = Time(r.CreatedAt),
                UpdatedAt = Time(r.UpdatedAt),
                Hidden = r.IsHidden,
            }),
            Notifications = notifications.Select(n => new
            {
                n.Id,
                Type = n.Type.ToString(),
                n.Title,
                n.Message,
                To = n.RecipientEmail,
                n.BookingId,
                CreatedAt = Time(n.CreatedAt),
                ReadAt = Time(n.ReadAt),
                Deliveries = n.Deliveries.Select(d => new { Channel = d.Channel.ToString(), State = d.State.ToString(), SentAt = Time(d.SentAt) }),
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, Json);
    }

    private static string? Time(Instant? instant) => instant is { } i ? InstantPattern.ExtendedIso.Format(i) : null;

    private static object Amount(Money money) => new { Minor = money.Minor, money.Currency, Display = Currencies.Format(money) };
}

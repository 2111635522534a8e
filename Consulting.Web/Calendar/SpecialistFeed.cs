using System.Security.Cryptography;
using System.Text;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Ical.Net.CalendarComponents;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Calendar;

/// <summary>
/// A rendered feed. <see cref="ETag"/> is a strong validator (a hash of <see cref="Text"/>);
/// <see cref="LastModified"/> is the latest recorded change of a booking in it (null when empty).
/// </summary>
public sealed record FeedDocument(string Text, string ETag, Instant? LastModified);

/// <summary>
/// A specialist's private iCal feed (METHOD:PUBLISH) at a secret URL that calendar apps poll: the
/// bookings that matter to them from <see cref="History"/> ago onwards, one VEVENT each with the
/// invites' UID and the booking's SEQUENCE. The text depends only on stored data and the window,
/// so an unchanged feed keeps its ETag.
/// </summary>
public sealed class SpecialistFeed(AppDbContext db, IClock clock)
{
    public static readonly Duration History = Duration.FromDays(30);

    /// <summary>160 random bits, hex: the secret part of a specialist's iCal feed URL.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>Pending and expired bookings never happened as far as the specialist's calendar is concerned.</summary>
    private static readonly BookingStatus[] Shown =
        [BookingStatus.Confirmed, BookingStatus.Completed, BookingStatus.NoShow, BookingStatus.Cancelled];

    public static string Path(string slug, string secret) =>
        $"/calendar/{Uri.EscapeDataString(slug)}/{Uri.EscapeDataString(secret)}.ics";

    /// <summary>The feed for a subscriber's URL; null when the slug is unknown or the secret isn't the current one.</summary>
    public async Task<FeedDocument?> ForSubscriberAsync(string slug, string secret, CancellationToken ct)
    {
        var profile = await db.Specialists.AsNoTracking().SingleOrDefaultAsync(p => p.Slug == slug, ct);
        if (profile is null || !SecretMatches(profile.FeedSecret, secret)) return null;
        return await BuildAsync(profile, ct);
    }

    /// <summary>A new secret: the old URL stops working at once. Returns the new secret.</summary>
    public async Task<string> RotateSecretAsync(Guid specialistId, CancellationToken ct)
    {
        var profile = await db.Specialists.SingleAsync(p => p.Id == specialistId, ct);
        profile.RotateFeedSecret(NewSecret());
        await db.SaveChangesAsync(ct);
        return profile.FeedSecret;
    }

    public async Task<FeedDocument> BuildAsync(SpecialistProfile profile, CancellationToken ct)
    {
        var from = clock.GetCurrentInstant() - History;
        var bookings = await db.Bookings.AsNoTracking()
            .Where(b => b.SpecialistId == profile.Id && b.End >= from && Shown.Contains(b.Status))
            .ToListAsync(ct);
        bookings = [.. bookings.OrderBy(b => b.Start).ThenBy(b => b.Id)];

        var calendar = IcsCalendar.New("PUBLISH");
        calendar.AddProperty("X-WR-CALNAME", $"Consulting: {profile.DisplayName}");
        calendar.AddProperty("X-WR-TIMEZONE", profile.TimeZoneId);
        // Apple Calendar and Outlook read these as "poll about hourly"; Google polls on its own schedule.
        calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");
        var zone = IcsCalendar.AddZone(calendar, profile.TimeZoneId, [.. bookings.SelectMany(b => new[] { b.Start, b.End })]);
        foreach (var booking in bookings) calendar.Events.Add(Event(booking, zone));

        var text = IcsCalendar.Serialize(calendar);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var lastModified = bookings.Count == 0 ? (Instant?)null : bookings.Max(ChangedAt);
        return new FeedDocument(text, $"\"{Convert.ToHexStringLower(hash, 0, 16)}\"", lastModified);
    }

    private static CalendarEvent Event(Booking booking, DateTimeZone? zone)
    {
        var cancelled = booking.Status == BookingStatus.Cancelled;
        var changed = IcsCalendar.Utc(ChangedAt(booking));
        var e = new CalendarEvent
        {
            Uid = BookingInvites.Uid(booking.Id),
            Sequence = booking.Sequence,
            // With a METHOD, DTSTAMP is when the object was made; the booking's last change keeps
            // the text (and the ETag) the same until something really changes.
            DtStamp = changed,
            LastModified = changed,
            Created = IcsCalendar.Utc(booking.CreatedAt),
            DtStart = IcsCalendar.Time(booking.Start, zone),
            DtEnd = IcsCalendar.Time(booking.End, zone),
            Summary = (cancelled ? "Cancelled: " : "") + $"Session with {booking.CustomerName}",
            Description = Description(booking),
            Status = cancelled ? "CANCELLED" : "CONFIRMED",
            // A cancelled session no longer makes the specialist busy.
            Transparency = cancelled ? "TRANSPARENT" : "OPAQUE",
        };
        if (booking.Meeting?.JoinUrl is { Length: > 0 } url)
        {
            e.Location = url;
            e.Url = new Uri(url, UriKind.Absolute);
        }
        return e;
    }

    private static string Description(Booking booking)
    {
        var lines = new List<string> { $"Customer: {booking.CustomerName}" };
        // A deleted customer's booking keeps no address: no empty "Email:" line.
        if (booking.CustomerEmail.Length > 0) lines.Add($"Email: {booking.CustomerEmail}");
        if (booking.CustomerPhone is { } phone) lines.Add($"Phone: {phone}");
        lines.Add($"Customer's time zone: {booking.CustomerTimeZoneId}");
        lines.Add($"Status: {Booking.Describe(booking.Status)}" +
            (booking.Cancellation?.Reason is { } reason ? $" ({reason})" : ""));
        if (booking.Meeting?.JoinUrl is { } url) lines.Add($"Meeting: {url}");
        if (booking.RecordingUrl is { } recording) lines.Add($"Recording: {recording}");
        if (booking.Notes is { } notes) lines.Add($"Notes:\n{notes}");
        return string.Join("\n", lines);
    }

    /// <summary>The latest recorded change: status history, reschedules, cancellation.</summary>
    private static Instant ChangedAt(Booking booking)
    {
        var at = booking.CreatedAt;
        foreach (var change in booking.StatusHistory) at = Max(at, change.At);
        foreach (var move in booking.RescheduleHistory) at = Max(at, move.At);
        if (booking.Cancellation is { } cancellation) at = Max(at, cancellation.At);
        return at;
    }

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    /// <summary>Constant time, so response timing doesn't reveal how much of a guessed secret was right.</summary>
    private static bool SecretMatches(string expected, string given) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
}

using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using NodaTime;
using NodaTime.Text;
using IcalCalendar = Ical.Net.Calendar;

namespace Consulting.Web.Calendar;

public sealed record InviteParty(string Name, string Email);

/// <summary>
/// One booking as a calendar invite. <see cref="Sequence"/> is the booking's iCalendar SEQUENCE;
/// <see cref="TimeZoneId"/> is the zone the times are written in (the recipient's, usually);
/// <see cref="Stamp"/> is when the invite is made (DTSTAMP).
/// </summary>
public sealed record BookingInvite(
    Guid BookingId,
    int Sequence,
    Instant Start,
    Instant End,
    string TimeZoneId,
    string Summary,
    string Description,
    string? MeetingUrl,
    InviteParty Organizer,
    InviteParty Attendee,
    Instant Stamp);

/// <summary>
/// The .ics invites of a booking (RFC 5545/5546): a REQUEST for a new or moved booking, a CANCEL to
/// withdraw it. The UID is the booking's for its whole life, so calendar apps update the event
/// they already have when a higher SEQUENCE arrives instead of adding a second one.
/// </summary>
public static class BookingInvites
{
    public static string Uid(Guid bookingId) => $"booking-{bookingId:N}@consulting";

    public static string Request(BookingInvite i) => Write(i, "REQUEST", "CONFIRMED");

    /// <summary>Withdraws the invite; <see cref="BookingInvite.Sequence"/> must be higher than the last REQUEST's.</summary>
    public static string Cancel(BookingInvite i) => Write(i, "CANCEL", "CANCELLED");

    private static string Write(BookingInvite i, string method, string status)
    {
        if (i.End <= i.Start) throw new ArgumentException("An invite must end after it starts.", nameof(i));
        if (i.Sequence < 0) throw new ArgumentException("SEQUENCE can't be negative.", nameof(i));

        var calendar = IcsCalendar.New(method);
        var zone = IcsCalendar.AddZone(calendar, i.TimeZoneId, [i.Start, i.End]);
        var invite = new CalendarEvent
        {
            Uid = Uid(i.BookingId),
            Sequence = i.Sequence,
            DtStamp = IcsCalendar.Utc(i.Stamp),
            DtStart = IcsCalendar.Time(i.Start, zone),
            DtEnd = IcsCalendar.Time(i.End, zone),
            Summary = i.Summary,
            Description = i.Description,
            Status = status,
            Organizer = new Organizer(Mailto(i.Organizer.Email)) { CommonName = IcsCalendar.ParameterText(i.Organizer.Name) },
        };
        if (i.MeetingUrl is { Length: > 0 } url)
        {
            invite.Location = url;
            invite.Url = new Uri(url, UriKind.Absolute);
        }
        // A customer who deleted their account has no address left to invite.
        if (i.Attendee.Email.Trim().Length > 0)
        {
            invite.Attendees.Add(new Attendee(Mailto(i.Attendee.Email))
            {
                CommonName = IcsCalendar.ParameterText(i.Attendee.Name),
                Rsvp = true,
                ParticipationStatus = "NEEDS-ACTION",
                Role = "REQ-PARTICIPANT",
            });
        }
        calendar.Events.Add(invite);
        return IcsCalendar.Serialize(calendar);
    }

    /// <summary>A CAL-ADDRESS is a URI: anything that could end the line or the value is percent-encoded.</summary>
    private static string Mailto(string email) =>
        "mailto:" + string.Concat(email.Trim().Select(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '"' or '%'
            ? Uri.EscapeDataString(c.ToString()) : c.ToString()));
}

/// <summary>"Add to calendar" links for people whose mail app ignores the .ics part. Times are UTC.</summary>
public static class CalendarLinks
{
    public static string Google(BookingInvite i) =>
        "https://calendar.google.com/calendar/render?action=TEMPLATE" +
        $"&text={Encode(i.Summary)}" +
        $"&dates={GoogleTime(i.Start)}/{GoogleTime(i.End)}" +
        $"&details={Encode(i.Description)}" +
        (i.MeetingUrl is { Length: > 0 } url ? $"&location={Encode(url)}" : "");

    public static string Outlook(BookingInvite i) =>
        "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent" +
        $"&subject={Encode(i.Summary)}" +
        $"&startdt={Encode(InstantPattern.General.Format(Seconds(i.Start)))}" +
        $"&enddt={Encode(InstantPattern.General.Format(Seconds(i.End)))}" +
        $"&body={Encode(i.Description)}" +
        (i.MeetingUrl is { Length: > 0 } url ? $"&location={Encode(url)}" : "");

    private static readonly InstantPattern GooglePattern = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    private static string GoogleTime(Instant instant) => GooglePattern.Format(Seconds(instant));

    private static Instant Seconds(Instant instant) => Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());

    private static string Encode(string text) => Uri.EscapeDataString(text);
}

/// <summary>
/// What the invites and the specialist feed share: the calendar shell, and how instants are
/// written — as local times of a zone with its VTIMEZONE where that is exact, as UTC otherwise.
/// </summary>
internal static class IcsCalendar
{
    public const string ProductId = "-//Consulting//Bookings//EN";

    public static IcalCalendar New(string method) => new() { ProductId = ProductId, Method = method };

    /// <summary>
    /// A parameter value (CN=…) as RFC 5545 allows it: Ical.Net escapes TEXT property values but
    /// writes parameters as given, so a line break in a name would start new properties, even a new
    /// VEVENT. RFC 6868 encodes ^, line breaks and DQUOTE (^^, ^n, ^'); other control characters
    /// have no encoding and become spaces. Ical.Net adds the quotes when the value has ; : or ,.
    /// </summary>
    public static string ParameterText(string value)
    {
        var text = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n') continue; // CRLF is one line break
            text.Append(c switch
            {
                '^' => "^^",
                '\n' or '\r' => "^n",
                '"' => "^'",
                '\t' => " ",
                _ when char.IsControl(c) => " ",
                _ => c.ToString(),
            });
        }
        return text.ToString();
    }

    public static string Serialize(IcalCalendar calendar) =>
        new CalendarSerializer().SerializeToString(calendar) ?? throw new InvalidOperationException("Ical.Net wrote nothing.");

    /// <summary>A UTC DATE-TIME ("…Z"), whole seconds (iCalendar has no fractions).</summary>
    public static CalDateTime Utc(Instant instant) =>
        new(Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds()).ToDateTimeUtc(), CalDateTime.UtcTzId);

    /// <summary>
    /// Adds the VTIMEZONE of <paramref name="zoneId"/> and returns the zone to write
    /// <paramref name="instants"/> in, or null to write them in UTC. Ical.Net derives a VTIMEZONE from
    /// tzdb's recent rules as yearly RRULEs, and for some zones that description is wrong (negative
    /// DST in Europe/Dublin, Cairo's "Thursday 24:00", Casablanca's Ramadan breaks, zones whose rules
    /// just changed): a calendar app would put the event an hour off. So the VTIMEZONE is used only
    /// if its offsets equal tzdb's at every instant written with it.
    /// </summary>
    public static DateTimeZone? AddZone(IcalCalendar calendar, string zoneId, IReadOnlyCollection<Instant> instants)
    {
        if (instants.Count == 0 || zoneId == "UTC" || DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) is not { } zone)
            return null;
        var earliest = instants.Min().InZone(zone).LocalDateTime.Date.AtMidnight().ToDateTimeUnspecified();
        var vtimezone = VTimeZone.FromDateTimeZone(zone.Id, earliest, includeHistoricalData: false);
        if (!Describes(vtimezone, zone, instants)) return null;
        calendar.AddTimeZone(vtimezone);
        return zone;
    }

    /// <summary>DTSTART/DTEND: the wall time in <paramref name="zone"/> with its TZID, or UTC.</summary>
    public static CalDateTime Time(Instant instant, DateTimeZone? zone)
    {
        if (zone is null) return Utc(instant);
        var local = Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds()).InZone(zone).LocalDateTime;
        // A wall time the autumn overlap repeats is ambiguous with a TZID (RFC 5545 reads the first
        // of the two), e.g. the end of a 01:00 EDT session on the day New York falls back: UTC then.
        if (zone.MapLocal(local).Count != 1) return Utc(instant);
        return new CalDateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, local.Second, zone.Id);
    }

    /// <summary>Evaluates the VTIMEZONE the way a calendar app does and compares with tzdb.</summary>
    private static bool Describes(VTimeZone vtimezone, DateTimeZone zone, IReadOnlyCollection<Instant> instants)
    {
        var last = instants.Max();
        // Each observance starts at its onsets (local times in the offset before the change).
        var onsets = new List<(Instant At, Offset Offset)>();
        foreach (var observance in vtimezone.TimeZoneInfos)
        {
            if (observance.OffsetFrom is null || observance.OffsetTo is null || observance.DtStart is null) return false;
            var before = Offset.FromTimeSpan(observance.OffsetFrom.Offset);
            var after = Offset.FromTimeSpan(observance.OffsetTo.Offset);
            foreach (var occurrence in observance.GetOccurrences(observance.DtStart, null))
            {
                var at = new OffsetDateTime(LocalDateTime.FromDateTime(occurrence.Period.StartTime.Value), before).ToInstant();
                if (at > last) break;
                onsets.Add((at, after));
            }
        }
        onsets.Sort((a, b) => a.At.CompareTo(b.At));
        foreach (var instant in instants)
        {
            var index = onsets.FindLastIndex(o => o.At <= instant);
            if (index < 0 || onsets[index].Offset != zone.GetUtcOffset(instant)) return false;
        }
        return true;
    }
}

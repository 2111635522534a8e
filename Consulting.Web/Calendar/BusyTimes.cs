using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using NodaTime;
using IcalCalendar = Ical.Net.Calendar;

namespace Consulting.Web.Calendar;

/// <summary>A time a calendar is busy; nothing else about the event is kept.</summary>
public readonly record struct BusyInterval(Instant Start, Instant End);

/// <summary>What reading a calendar file gave: its busy intervals, or why it isn't a calendar we can use.</summary>
public sealed record BusyRead(IReadOnlyList<BusyInterval> Busy, string? Problem, bool OwnFeed = false);

/// <summary>
/// Expands a calendar file into busy intervals over a window with Ical.Net: recurring events
/// (RRULE, EXDATE, RDATE, moved occurrences by RECURRENCE-ID), multi-day events, and times with a
/// TZID (an IANA zone, the file's own VTIMEZONE or a Windows zone name: <see cref="FileTimeZones"/>), in UTC, floating (the specialist's zone) or all-day (whole
/// days in the specialist's zone). Transparent ("free") and cancelled events don't block. Overlapping
/// intervals are merged, so what is stored says only "busy from … to …".
/// </summary>
public static class BusyTimes
{
    /// <summary>Recurring events are expanded at most this far (a runaway RRULE can't hold the job).</summary>
    private const int MaxOccurrences = 20_000;
    /// <summary>Events that start this long before the window are still looked at: they may run into it.</summary>
    private static readonly NodaTime.Duration LookBack = NodaTime.Duration.FromDays(31);

    public static BusyRead Read(string text, DateTimeZone specialistZone, Instant from, Instant to)
    {
        if (!text.TrimStart('\uFEFF', ' ', '\r', '\n', '\t').StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
            return new BusyRead([], "The address doesn’t return a calendar (.ics) file. Copy the calendar’s private address in iCal format.");
        IcalCalendar? calendar;
        try
        {
            calendar = IcalCalendar.Load(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            calendar = null;
        }
        if (calendar is null) return new BusyRead([], "The calendar file couldn’t be read: it isn’t valid iCalendar.");
        if (calendar.ProductId == IcsCalendar.ProductId) return new BusyRead([], null, OwnFeed: true);

        var zones = FileTimeZones.Of(calendar, specialistZone, to + NodaTime.Duration.FromDays(400));
        using var lookups = zones.Use();
        var intervals = new List<BusyInterval>();
        var start = new CalDateTime((from - LookBack).ToDateTimeUtc(), CalDateTime.UtcTzId);
        // Occurrences come in start order; a day's margin covers floating times read in another zone.
        var stopAfter = to + NodaTime.Duration.FromDays(1);
        var count = 0;
        try
        {
            foreach (var occurrence in calendar.GetOccurrences<CalendarEvent>(start))
            {
                if (++count > MaxOccurrences) break;
                var period = occurrence.Period;
                var busyStart = ToInstant(period.StartTime, zones, specialistZone);
                if (busyStart > stopAfter) break;
                if (occurrence.Source is not CalendarEvent e || !Blocks(e)) continue;
                var endTime = period.EffectiveEndTime ?? period.EndTime;
                // No end: a dated event lasts its day, a timed one is a moment (RFC 5545 §3.6.1) and blocks nothing.
                var busyEnd = endTime is not null ? ToInstant(endTime, zones, specialistZone)
                    : period.StartTime.HasTime ? busyStart : ToInstant(period.StartTime.AddDays(1), zones, specialistZone);
                if (busyEnd <= busyStart || busyEnd <= from || busyStart >= to) continue;
                intervals.Add(new BusyInterval(busyStart, busyEnd));
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            return new BusyRead([], "The calendar file has events that couldn’t be read (" + e.GetType().Name + ").");
        }
        return new BusyRead(Merge(intervals), null);
    }

    /// <summary>An event blocks unless it is marked free (TRANSPARENT) or cancelled.</summary>
    private static bool Blocks(CalendarEvent e) =>
        !string.Equals(e.Transparency, "TRANSPARENT", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(e.Status, "CANCELLED", StringComparison.OrdinalIgnoreCase);

    /// <summary>A date (all-day) or floating time is the specialist's; a TZID is what the file's zones say it is.</summary>
    private static Instant ToInstant(CalDateTime time, FileTimeZones zones, DateTimeZone specialistZone)
    {
        var v = time.Value;
        var local = new LocalDateTime(v.Year, v.Month, v.Day, time.HasTime ? v.Hour : 0, time.HasTime ? v.Minute : 0, time.HasTime ? v.Second : 0);
        var zone = time.HasTime && time.TzId is not null ? zones.Resolve(time.TzId) : specialistZone;
        return local.InZoneLeniently(zone).ToInstant();
    }

    private static List<BusyInterval> Merge(List<BusyInterval> intervals)
    {
        intervals.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<BusyInterval>(intervals.Count);
        foreach (var next in intervals)
        {
            if (merged.Count > 0 && next.Start <= merged[^1].End)
            {
                if (next.End > merged[^1].End) merged[^1] = merged[^1] with { End = next.End };
            }
            else merged.Add(next);
        }
        return merged;
    }
}

using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using NodaTime;
using NodaTime.TimeZones;
using IcalCalendar = Ical.Net.Calendar;

namespace Consulting.Web.Calendar;

/// <summary>
/// What a TZID of one calendar file means: an IANA name is tzdb's zone; any other name the file
/// defines in a VTIMEZONE is that VTIMEZONE's own rules (Outlook writes "Customized Time Zone", some
/// servers "/example.com/Zones/…"); failing that, a Windows name or a zone .NET knows; failing all,
/// the specialist's zone. Ical.Net 5 resolves TZIDs through one process-wide hook
/// (<see cref="TimeZoneResolvers.TimeZoneResolver"/>) and doesn't read VTIMEZONE rules itself, so
/// while a file is expanded (<see cref="Use"/>) the hook answers from that file; outside, it answers
/// as Ical.Net's default does.
/// </summary>
public sealed class FileTimeZones
{
    private static readonly AsyncLocal<FileTimeZones?> Current = new();

    static FileTimeZones()
    {
        var fallback = TimeZoneResolvers.Default;
        TimeZoneResolvers.TimeZoneResolver = tzid => Current.Value is { } file ? file.Resolve(tzid) : fallback(tzid);
    }

    private readonly Dictionary<string, DateTimeZone> _defined;
    private readonly DateTimeZone _specialistZone;

    private FileTimeZones(Dictionary<string, DateTimeZone> defined, DateTimeZone specialistZone) =>
        (_defined, _specialistZone) = (defined, specialistZone);

    /// <summary>Reads the file's VTIMEZONEs, with their transitions worked out up to <paramref name="to"/>.</summary>
    public static FileTimeZones Of(IcalCalendar calendar, DateTimeZone specialistZone, Instant to)
    {
        var defined = new Dictionary<string, DateTimeZone>(StringComparer.OrdinalIgnoreCase);
        foreach (var vtimezone in calendar.TimeZones)
        {
            var id = Clean(vtimezone.TzId);
            if (id.Length > 0 && Known(id) is null && VTimeZoneRules.From(id, vtimezone, to) is { } zone) defined.TryAdd(id, zone);
        }
        return new FileTimeZones(defined, specialistZone);
    }

    /// <summary>Makes Ical.Net's TZID lookups answer from this file until disposed.</summary>
    public IDisposable Use()
    {
        var previous = Current.Value;
        Current.Value = this;
        return new Restore(previous);
    }

    public DateTimeZone Resolve(string? tzid)
    {
        var id = Clean(tzid);
        if (id.Length == 0) return _specialistZone;
        return Known(id) ?? (_defined.TryGetValue(id, out var defined) ? defined : null) ?? Other(id) ?? _specialistZone;
    }

    private static string Clean(string? tzid) => (tzid ?? "").Trim().Trim('"');

    /// <summary>An IANA name, also behind a path prefix ("/mozilla.org/20050126_1/America/New_York").</summary>
    private static DateTimeZone? Known(string id)
    {
        if (id is "UTC" or "Z" or "GMT" or "Etc/UTC") return DateTimeZone.Utc;
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } iana) return iana;
        var parts = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 2 ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(string.Join('/', parts[^2..])) : null;
    }

    /// <summary>A Windows name (Outlook writes "Eastern Standard Time") or whatever .NET knows the name as.</summary>
    private static DateTimeZone? Other(string id)
    {
        var windows = TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping;
        if (windows.TryGetValue(id, out var mapped) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(mapped) is { } fromWindows) return fromWindows;
        try
        {
            return BclDateTimeZone.FromTimeZoneInfo(TimeZoneInfo.FindSystemTimeZoneById(id));
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    private sealed class Restore(FileTimeZones? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}

/// <summary>
/// A zone made of a VTIMEZONE's observances (RFC 5545 §3.6.5): each STANDARD or DAYLIGHT part starts
/// at its DTSTART and again at every RRULE/RDATE occurrence, a local time read at the offset in force
/// before it (TZOFFSETFROM), after which TZOFFSETTO applies. Ical.Net expands the onsets; those up to
/// the window's end are kept, and before the first one its TZOFFSETFROM holds.
/// </summary>
internal sealed class VTimeZoneRules : DateTimeZone
{
    /// <summary>Onsets read per observance: a yearly rule from 1601 (as Outlook writes) is ~430; this bounds a hostile file.</summary>
    private const int MaxOnsets = 5_000;

    private readonly Instant[] _starts;
    private readonly Transition[] _transitions;
    private readonly Offset _initial;

    private readonly record struct Transition(Instant At, Offset Offset, Offset Savings, string Name);

    private VTimeZoneRules(string id, Transition[] transitions, Offset initial)
        : base(id, false, transitions.Select(t => t.Offset).Append(initial).Min(), transitions.Select(t => t.Offset).Append(initial).Max())
    {
        (_transitions, _initial) = (transitions, initial);
        _starts = transitions.Select(t => t.At).ToArray();
    }

    /// <summary>The zone, or null when the VTIMEZONE has no usable observance.</summary>
    public static VTimeZoneRules? From(string id, VTimeZone vtimezone, Instant to)
    {
        var until = to.ToDateTimeUtc();
        var transitions = new List<(Instant At, Offset From, Transition To)>();
        foreach (var observance in vtimezone.TimeZoneInfos)
        {
            if (observance.OffsetFrom is not { } offsetFrom || observance.OffsetTo is not { } offsetTo || observance.DtStart is null) continue;
            var before = Offset.FromTimeSpan(offsetFrom.Offset);
            var after = Offset.FromTimeSpan(offsetTo.Offset);
            var daylight = string.Equals(observance.Name, Components.Daylight, StringComparison.OrdinalIgnoreCase);
            var name = observance.TimeZoneName ?? id;
            // Observance times are local with no zone, so Ical.Net expands them without any TZID lookup.
            foreach (var onset in observance.GetOccurrences().Take(MaxOnsets))
            {
                var local = onset.Period.StartTime.Value;
                if (local > until) break;
                var at = new OffsetDateTime(LocalDateTime.FromDateTime(local), before).ToInstant();
                transitions.Add((at, before, new Transition(at, after, daylight ? after - before : Offset.Zero, name)));
            }
        }
        if (transitions.Count == 0) return null;
        transitions.Sort((a, b) => a.At.CompareTo(b.At));
        var distinct = transitions.Where((t, i) => i == 0 || t.At != transitions[i - 1].At).Select(t => t.To).ToArray();
        return new VTimeZoneRules(id, distinct, transitions[0].From);
    }

    public override ZoneInterval GetZoneInterval(Instant instant)
    {
        var index = Array.BinarySearch(_starts, instant);
        if (index < 0) index = ~index - 1;
        if (index < 0) return new ZoneInterval(Id, null, _starts[0], _initial, Offset.Zero);
        var t = _transitions[index];
        return new ZoneInterval(t.Name, t.At, index + 1 < _starts.Length ? _starts[index + 1] : null, t.Offset, t.Savings);
    }
}

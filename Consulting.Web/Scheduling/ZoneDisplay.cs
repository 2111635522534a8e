using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;

namespace Consulting.Web.Scheduling;

/// <summary>How zones and times read on pages: "New York (UTC−05:00)", "Mon 3 Mar, 09:00 EST".</summary>
public static class ZoneDisplay
{
    private static readonly OffsetPattern OffsetFormat = OffsetPattern.CreateWithInvariantCulture("+HH:mm");

    /// <summary>The city part of an IANA id: "America/Argentina/Buenos_Aires" → "Buenos Aires".</summary>
    public static string City(string zoneId) => zoneId[(zoneId.LastIndexOf('/') + 1)..].Replace('_', ' ');

    public static string Offset(DateTimeZone zone, Instant at) =>
        "UTC" + OffsetFormat.Format(zone.GetUtcOffset(at)).Replace('-', '−');

    public static string Label(string zoneId, Instant at) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) is { } zone ? $"{City(zoneId)} ({Offset(zone, at)})" : zoneId;

    /// <summary>The zone's abbreviation at that instant ("EST", "JST"), or its offset where tzdb has none.</summary>
    public static string Abbreviation(DateTimeZone zone, Instant at)
    {
        var name = zone.GetZoneInterval(at).Name;
        return name.Length > 0 && !name.StartsWith('+') && !name.StartsWith('-') ? name : Offset(zone, at);
    }

    /// <summary>"Mon 9 Nov 2026, 09:00 CET (Madrid)": a time with enough context to be unambiguous.</summary>
    public static string DateTime(Instant at, string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var local = at.InZone(zone);
        var abbreviation = Abbreviation(zone, at);
        var city = City(zoneId);
        // "UTC (UTC)" says nothing twice; a city is only added where it tells the reader more.
        var suffix = city == abbreviation ? abbreviation : $"{abbreviation} ({city})";
        return $"{local.ToString("ddd d MMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture)} {suffix}";
    }

    /// <summary>"9 Nov 2026": the day alone, in the reader's zone.</summary>
    public static string Date(Instant at, string zoneId) =>
        at.InZone(DateTimeZoneProviders.Tzdb[zoneId]).ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>All IANA ids people pick from (canonical ones, without legacy aliases like "US/Eastern").</summary>
    public static IReadOnlyList<string> PickableZones { get; } = TzdbDateTimeZoneSource.Default.ZoneLocations?
        .Select(l => l.ZoneId).Append("UTC").Distinct().Order(StringComparer.Ordinal).ToList()
        ?? DateTimeZoneProviders.Tzdb.Ids.ToList();

    /// <summary>Changes whenever <see cref="PickableZones"/> does (a newer tz database): versions the list's URL.</summary>
    public static string PickableZonesVersion { get; } =
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', PickableZones))))[..12];
}

using Consulting.Web.Domain;
using NodaTime;
using NodaTime.TimeZones;

namespace Consulting.Web.Scheduling;

/// <summary>What a typed time zone turned out to be.</summary>
/// <param name="ZoneId">The canonical IANA id to use; null when refused.</param>
/// <param name="Error">Why it was refused, with a suggestion where there is one.</param>
/// <param name="Note">Said when the zone saved differs from what was typed in more than case ("US/Eastern" → America/New_York).</param>
public sealed record ZoneMatch(string? ZoneId, string? Error, string? Note)
{
    public bool Found => ZoneId is not null;
}

/// <summary>
/// Turns what someone typed into a zone picker into a zone we keep: an IANA id in any case, a city
/// ("tokyo", "New York"), or a legacy alias ("US/Eastern", "Asia/Calcutta") mapped to its canonical
/// zone. Abbreviations and fixed offsets ("EST", "Etc/GMT+5") are refused with a suggestion: they
/// don't follow daylight saving, so a specialist would silently be an hour off half the year.
/// </summary>
public static class ZoneLookup
{
    private static readonly TzdbDateTimeZoneSource Source = TzdbDateTimeZoneSource.Default;

    private static readonly Dictionary<string, string> ById = ZoneDisplay.PickableZones
        .ToDictionary(z => z, z => z, StringComparer.OrdinalIgnoreCase);

    private static readonly ILookup<string, string> ByCity = ZoneDisplay.PickableZones
        .ToLookup(z => Key(ZoneDisplay.City(z)), StringComparer.Ordinal);

    /// <summary>What people type for a zone that is really an abbreviation, and the city zone they most likely mean.</summary>
    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EST"] = "America/New_York", ["EDT"] = "America/New_York", ["EST5EDT"] = "America/New_York", ["ET"] = "America/New_York",
        ["CST"] = "America/Chicago", ["CDT"] = "America/Chicago", ["CST6CDT"] = "America/Chicago", ["CT"] = "America/Chicago",
        ["MST"] = "America/Denver", ["MDT"] = "America/Denver", ["MST7MDT"] = "America/Denver", ["MT"] = "America/Denver",
        ["PST"] = "America/Los_Angeles", ["PDT"] = "America/Los_Angeles", ["PST8PDT"] = "America/Los_Angeles", ["PT"] = "America/Los_Angeles",
        ["AKST"] = "America/Anchorage", ["AKDT"] = "America/Anchorage", ["HST"] = "Pacific/Honolulu",
        ["BST"] = "Europe/London", ["WET"] = "Europe/Lisbon", ["WEST"] = "Europe/Lisbon",
        ["CET"] = "Europe/Berlin", ["CEST"] = "Europe/Berlin", ["MET"] = "Europe/Berlin", ["MEZ"] = "Europe/Berlin",
        ["EET"] = "Europe/Athens", ["EEST"] = "Europe/Athens", ["MSK"] = "Europe/Moscow",
        ["IST"] = "Asia/Kolkata", ["JST"] = "Asia/Tokyo", ["KST"] = "Asia/Seoul", ["SGT"] = "Asia/Singapore",
        ["AEST"] = "Australia/Sydney", ["AEDT"] = "Australia/Sydney", ["ACST"] = "Australia/Adelaide", ["AWST"] = "Australia/Perth",
        ["NZST"] = "Pacific/Auckland", ["NZDT"] = "Pacific/Auckland",
    };

    private static readonly HashSet<string> UtcNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "Z", "Etc/GMT", "GMT0", "Etc/GMT0", "Greenwich", "Etc/Greenwich",
    };

    public const string MissingMessage = "Enter a time zone: your city, e.g. Berlin, or its IANA name like Europe/Berlin.";

    public static ZoneMatch Find(string? typed)
    {
        var text = (typed ?? "").Trim();
        if (text.Length == 0) return Refused(MissingMessage);
        if (UtcNames.Contains(text)) return Match("UTC");
        if (ById.TryGetValue(text, out var id)) return Match(id);
        if (Abbreviations.TryGetValue(text, out var meant))
            return Refused($"\u201C{text}\u201D is an abbreviation, not a place, and doesn't follow daylight saving. Type your city instead, e.g. {ZoneDisplay.City(meant)} ({meant}).");

        // A legacy alias of a zone people pick ("US/Eastern", "Asia/Calcutta", "Japan").
        var alias = Source.CanonicalIdMap.Keys.FirstOrDefault(k => string.Equals(k, text, StringComparison.OrdinalIgnoreCase));
        if (alias is not null)
        {
            var canonical = Source.CanonicalIdMap[alias];
            if (ById.TryGetValue(canonical, out var pickable))
                return Match(pickable, $"\u201C{text}\u201D is an older name for {pickable}; saved as {pickable}.");
            return Refused($"\u201C{text}\u201D is a fixed offset from UTC that doesn't follow daylight saving. Type your city instead, e.g. Berlin or America/New_York.");
        }

        // A city: "tokyo", "New York", "new_york", "America/New York".
        var last = Key(text.Contains('/') ? text[(text.LastIndexOf('/') + 1)..] : text);
        var city = ByCity[last].ToList();
        if (city.Count == 1 && (!text.Contains('/') || Key(city[0]) == Key(text))) return Match(city[0]);
        if (city.Count > 1) return Refused($"\u201C{text}\u201D could be {string.Join(" or ", city)}. Type the one you mean.");

        var suggestions = last.Length == 0 ? [] : ZoneDisplay.PickableZones
            .Where(z => Key(ZoneDisplay.City(z)).StartsWith(last, StringComparison.Ordinal) || Key(z) == Key(text))
            .Take(3).ToList();
        return Refused(suggestions.Count > 0
            ? $"{TimeZones.UnknownMessage(text)} Did you mean {string.Join(" or ", suggestions)}?"
            : $"{TimeZones.UnknownMessage(text)} Type your city, e.g. Berlin, or its IANA name like Europe/Berlin.");
    }

    /// <summary>Whether <paramref name="typed"/> names a zone (see <see cref="Find"/>).</summary>
    public static bool TryFind(string? typed, out string zoneId)
    {
        var match = Find(typed);
        zoneId = match.ZoneId ?? "";
        return match.Found;
    }

    private static ZoneMatch Match(string zoneId, string? note = null) => new(zoneId, null, note);

    private static ZoneMatch Refused(string error) => new(null, error, null);

    /// <summary>Case, spaces, underscores and hyphens don't matter: "new york" finds New_York.</summary>
    private static string Key(string text) =>
        string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c is not '_' and not '-')).ToLowerInvariant();
}

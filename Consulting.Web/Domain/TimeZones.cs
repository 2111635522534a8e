using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>IANA zone lookups; the one place that turns a stored zone id into a NodaTime zone.</summary>
public static class TimeZones
{
    public static bool IsKnown(string? zoneId) =>
        !string.IsNullOrWhiteSpace(zoneId) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) is not null;

    /// <summary>
    /// The one wording for a zone we don't know; every zone message builds on it. Messages quote what
    /// was typed in curly quotes (“x”) and end with a full stop.
    /// </summary>
    public static string UnknownMessage(string? typed) => $"\u201C{(typed ?? "").Trim()}\u201D is not a time zone we know.";

    public static DateTimeZone Get(string zoneId) =>
        DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId)
        ?? throw new DomainException(UnknownMessage(zoneId), "TimeZone");

    public static string Require(string? zoneId, string field = "TimeZone")
    {
        var id = (zoneId ?? "").Trim();
        if (!IsKnown(id)) throw new DomainException(UnknownMessage(zoneId), field);
        return id;
    }

    /// <summary>
    /// The named resolver for wall-clock → instant (STYLE rule 3): a time in the spring gap doesn't
    /// exist and yields null; a time in the autumn overlap resolves to the earlier offset.
    /// </summary>
    public static Instant? ResolveOrSkip(LocalDateTime local, DateTimeZone zone)
    {
        var mapping = zone.MapLocal(local);
        return mapping.Count switch
        {
            0 => null,
            _ => mapping.First().ToInstant(),
        };
    }
}

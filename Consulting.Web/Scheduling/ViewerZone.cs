namespace Consulting.Web.Scheduling;

/// <summary>Where the zone a page shows times in came from (the web layer decides: <c>Pages/Shared/ViewerZones.cs</c>).</summary>
public enum ZoneSource
{
    /// <summary>Chosen with the zone picker (?tz=).</summary>
    Picked,
    /// <summary>Detected by the browser (site.js writes the "tz" cookie from Intl).</summary>
    Browser,
    Account,
    Default,
}

/// <param name="Rejected">A picked name that is not a zone we know (the zone came from elsewhere).</param>
public sealed record ViewerZone(string Id, ZoneSource Source, string? Rejected = null)
{
    public string? RejectedMessage => Rejected is null ? null : ZoneLookup.Find(Rejected).Error;
}

using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.WebUtilities;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>
/// What the shared week grid (Pages/Shared/_WeekGrid) needs: the week, the viewer's zone, the page
/// it lives on (with any query it must keep, e.g. a signed link's token) and where a chosen slot is posted.
/// </summary>
public sealed record WeekGrid(WeekView Week, ViewerZone Zone, string PagePath, IReadOnlyDictionary<string, string?> KeepQuery,
    string SlotFormAction, string ButtonVerb)
{
    public string WeekUrl(LocalDate weekStart)
    {
        var query = new Dictionary<string, string?>(KeepQuery) { ["week"] = TimeInput.Format(weekStart) };
        if (Zone.Source == ZoneSource.Picked) query["tz"] = Zone.Id;
        return QueryHelpers.AddQueryString(PagePath, query.Where(kv => kv.Value is not null)!);
    }
}

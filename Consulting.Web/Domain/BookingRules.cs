using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>
/// When customers may book a specialist: not sooner than the minimum notice, not further ahead than
/// the horizon, and not once the day's cap of sessions is reached.
/// </summary>
/// <remarks>
/// The rule's values, a specialist's own over the site's defaults. The rule itself is applied in
/// one place, the SQL condition where races are decided (the hold's conditional UPDATE) and slots
/// are listed: <c>Scheduling/OfferRules</c>.
/// </remarks>
public sealed record BookingRules(Duration MinimumNotice, int HorizonDays, int? MaxSessionsPerDay)
{
    /// <summary>Slots must start before this: the horizon counts whole days of 24 hours from now.</summary>
    public Instant StartsBefore(Instant now) => now + Duration.FromDays(HorizonDays);
}

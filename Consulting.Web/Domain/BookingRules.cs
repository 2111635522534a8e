using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>
/// When customers may book a specialist: not sooner than the minimum notice, not further ahead than
/// the horizon, and not once the day's cap of sessions is reached.
/// </summary>
/// <remarks>
/// The statement of the rule. The database applies the same rule where races are decided (the
/// hold's conditional UPDATE) and where slots are listed: see <c>Bookings/OfferRules</c>.
/// </remarks>
public sealed record BookingRules(Duration MinimumNotice, int HorizonDays, int? MaxSessionsPerDay)
{
    public Instant EarliestStart(Instant now) => now + MinimumNotice;

    /// <summary>Slots must start before this: the horizon counts whole days of 24 hours from now.</summary>
    public Instant StartsBefore(Instant now) => now + Duration.FromDays(HorizonDays);

    /// <param name="sessionsThatDay">Sessions already held or booked that start on the slot's day (the specialist's zone).</param>
    public bool Offers(Instant start, Instant now, int sessionsThatDay) =>
        start > now && start >= EarliestStart(now) && start < StartsBefore(now) && (MaxSessionsPerDay is not { } cap || sessionsThatDay < cap);
}

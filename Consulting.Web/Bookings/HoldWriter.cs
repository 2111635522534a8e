using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>
/// The decisive write of a hold: the slot's conditional UPDATE ("still offered and unchanged") and the
/// new booking's rows, committed together or not at all. Under any number of concurrent holds of one
/// slot, on any number of instances, exactly one UPDATE matches the row; the "one live booking per
/// slot" index backs it up. One implementation per provider (Hosting/DatabaseSetup.cs picks it).
/// </summary>
public abstract class HoldWriter
{
    /// <summary>
    /// Writes the hold of <paramref name="booking"/>'s slot and the booking itself. True when it won
    /// (committed); false when the slot was no longer free and unchanged, or its specialist's booking
    /// rules (<paramref name="siteDefaults"/> where they set none) don't allow it at <paramref name="now"/>.
    /// </summary>
    public abstract Task<bool> HoldAsync(Booking booking, Instant now, BookingRules siteDefaults, CancellationToken ct);
}

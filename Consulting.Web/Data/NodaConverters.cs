using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NodaTime;
using NodaTime.Text;

namespace Consulting.Web.Data;

/// <summary>
/// NodaTime ↔ SQLite columns chosen so that SQL ordering and comparison match NodaTime's:
/// instants as integer ticks since the Unix epoch, dates as ISO text, times of day as ticks.
/// </summary>
public static class NodaConverters
{
    public sealed class InstantToTicks() : ValueConverter<Instant, long>(
        v => v.ToUnixTimeTicks(), v => Instant.FromUnixTimeTicks(v));

    // ISO yyyy-MM-dd sorts as text the way dates sort, for years 0001–9999.
    public sealed class LocalDateToIso() : ValueConverter<LocalDate, string>(
        v => LocalDatePattern.Iso.Format(v), v => LocalDatePattern.Iso.Parse(v).Value);

    public sealed class LocalTimeToTicks() : ValueConverter<LocalTime, long>(
        v => v.TickOfDay, v => LocalTime.FromTicksSinceMidnight(v));

    public sealed class WeekdaySetToMask() : ValueConverter<Domain.WeekdaySet, int>(
        v => v.Mask, v => new Domain.WeekdaySet(v));
}

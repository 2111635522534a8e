using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Web.Scheduling;

/// <summary>One slot a schedule asks for: its real start and end, and its price.</summary>
public sealed record PlannedSlot(Instant Start, Instant End, Money Price);

/// <summary>
/// Turns a schedule into the slots it asks for over a range of dates. Pure: no database, no clock.
/// </summary>
public static class SlotPlanner
{
    private const long TicksPerMinute = NodaConstants.TicksPerMinute;

    /// <summary>
    /// The slots of <paramref name="from"/>–<paramref name="to"/> (inclusive, dates in the schedule's
    /// zone), ordered by start and never overlapping one another.
    /// </summary>
    /// <remarks>
    /// Each window is walked in wall-clock time (start, start + length + buffer, … while the slot's
    /// wall-clock end fits the window); each start is mapped with <see cref="TimeZones.ResolveOrSkip"/>
    /// (a spring-gap start is skipped, an autumn-overlap start takes the earlier offset); a slot lasts
    /// its length in real time. Across a spring gap a slot's real end can pass the next wall-clock
    /// start (a 45-minute slot at 01:45 ends at 03:30 after a one-hour jump, the next starts at
    /// 03:15): such a later slot is left out, because a specialist's slots must never overlap.
    /// </remarks>
    public static IEnumerable<PlannedSlot> Plan(AvailabilitySchedule schedule, LocalDate from, LocalDate to)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (to < from) return [];

        var zone = schedule.Zone;
        var price = schedule.DefaultPrice;
        var stepExtraTicks = schedule.BufferMinutes * TicksPerMinute;
        var result = new List<PlannedSlot>(capacity: 16 * (Period.Between(from, to, PeriodUnits.Days).Days + 1));
        var lastEnd = Instant.MinValue;

        for (var date = from; date <= to; date = date.PlusDays(1))
        {
            var windows = schedule.WindowsFor(date);
            for (var w = 0; w < windows.Count; w++)
            {
                var window = windows[w];
                var lengthTicks = window.SlotMinutes * TicksPerMinute;
                var length = Duration.FromMinutes(window.SlotMinutes);
                var endTick = window.End.TickOfDay;
                // Ticks of the day rather than LocalTime arithmetic, which would wrap at midnight.
                for (var tick = window.Start.TickOfDay; tick + lengthTicks <= endTick; tick += lengthTicks + stepExtraTicks)
                {
                    var local = date + LocalTime.FromTicksSinceMidnight(tick);
                    if (TimeZones.ResolveOrSkip(local, zone) is not { } start) continue;
                    if (start < lastEnd) continue;
                    lastEnd = start + length;
                    result.Add(new PlannedSlot(start, lastEnd, price));
                }
            }
        }
        return result;
    }
}

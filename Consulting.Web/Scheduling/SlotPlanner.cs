using System.Collections;
using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Web.Scheduling;

/// <summary>One slot a schedule asks for: its real start and end, its price, and the date it starts on (the schedule's zone).</summary>
public sealed record PlannedSlot(Instant Start, Instant End, Money Price, LocalDate Day);

/// <summary>The slots a schedule asks for, ordered by start and never overlapping one another.</summary>
public sealed class SlotPlan(List<PlannedSlot> slots, int skippedOverlaps) : IReadOnlyList<PlannedSlot>
{
    /// <summary>Wall-clock starts left out because they would begin before the previous slot ends in real time.</summary>
    public int SkippedOverlaps { get; } = skippedOverlaps;

    public int Count => slots.Count;
    public PlannedSlot this[int index] => slots[index];
    public IEnumerator<PlannedSlot> GetEnumerator() => slots.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Turns a schedule into the slots it asks for over a range of dates. Pure: no database, no clock.
/// </summary>
public static class SlotPlanner
{
    private const long TicksPerMinute = NodaConstants.TicksPerMinute;
    private const long TicksPerDay = NodaConstants.TicksPerDay;

    /// <summary>
    /// The slots that start on <paramref name="from"/>–<paramref name="to"/> (inclusive, dates in the
    /// schedule's zone), ordered by start and never overlapping one another.
    /// </summary>
    /// <remarks>
    /// Each window is walked in wall-clock time (start, start + length + buffer, … while the slot's
    /// wall-clock end fits the window); a window that runs past midnight goes on into the next day,
    /// so the day before <paramref name="from"/> is walked too. Each start is mapped with
    /// <see cref="TimeZones.ResolveOrSkip"/> (a spring-gap start is skipped, an autumn-overlap start
    /// takes the earlier offset); a slot lasts its length in real time. Across a spring gap a slot's
    /// real end can pass the next wall-clock start (a 45-minute slot at 01:45 ends at 03:30 after a
    /// one-hour jump, the next starts at 03:15): such a later slot is left out and counted in
    /// <see cref="SlotPlan.SkippedOverlaps"/>, because a specialist's slots must never overlap.
    /// No slot starts on a day off, not even one of the previous evening's window.
    /// </remarks>
    public static SlotPlan Plan(AvailabilitySchedule schedule, LocalDate from, LocalDate to)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (to < from) return new SlotPlan([], 0);

        var zone = schedule.Zone;
        var stepExtraTicks = schedule.BufferMinutes * TicksPerMinute;
        var result = new List<PlannedSlot>(capacity: 16 * (Period.Between(from, to, PeriodUnits.Days).Days + 1));
        var lastEnd = Instant.MinValue;
        var skipped = 0;

        for (var date = from.PlusDays(-1); date <= to; date = date.PlusDays(1))
        {
            var windows = schedule.WindowsFor(date);
            for (var w = 0; w < windows.Count; w++)
            {
                var window = windows[w];
                var price = schedule.PriceOf(window);
                var lengthTicks = window.SlotMinutes * TicksPerMinute;
                var length = Duration.FromMinutes(window.SlotMinutes);
                var endTick = window.EndTick;
                // Ticks from the listed day's midnight rather than LocalTime arithmetic, which would wrap at midnight.
                for (var tick = window.StartTick; tick + lengthTicks <= endTick; tick += lengthTicks + stepExtraTicks)
                {
                    var nextDay = tick >= TicksPerDay;
                    var day = nextDay ? date.PlusDays(1) : date;
                    if (day < from || day > to || (nextDay && schedule.IsDayOff(day))) continue;
                    var local = day + LocalTime.FromTicksSinceMidnight(nextDay ? tick - TicksPerDay : tick);
                    if (TimeZones.ResolveOrSkip(local, zone) is not { } start) continue;
                    if (start < lastEnd)
                    {
                        skipped++;
                        continue;
                    }
                    lastEnd = start + length;
                    result.Add(new PlannedSlot(start, lastEnd, price, day));
                }
            }
        }
        return new SlotPlan(result, skipped);
    }

    /// <summary>
    /// The dates among <paramref name="dates"/> on which every start of <paramref name="window"/>
    /// falls in a spring-forward gap of <paramref name="zone"/>, so the window has no slot that day.
    /// </summary>
    public static IReadOnlyList<LocalDate> DatesInGap(DateTimeZone zone, TimeWindow window, int bufferMinutes, IEnumerable<LocalDate> dates)
    {
        var lengthTicks = window.SlotMinutes * TicksPerMinute;
        var step = lengthTicks + bufferMinutes * TicksPerMinute;
        var found = new List<LocalDate>();
        foreach (var date in dates)
        {
            // A day without a transition has no gap: most dates are settled by two offset look-ups.
            var dayStart = zone.AtStartOfDay(date).ToInstant();
            var interval = zone.GetZoneInterval(dayStart);
            if (!interval.HasEnd || interval.End >= dayStart + Duration.FromTicks(window.EndTick + TicksPerDay)) continue;
            var anyStart = false;
            for (var tick = window.StartTick; tick + lengthTicks <= window.EndTick && !anyStart; tick += step)
            {
                var day = tick >= TicksPerDay ? date.PlusDays(1) : date;
                var local = day + LocalTime.FromTicksSinceMidnight(tick % TicksPerDay);
                anyStart = zone.MapLocal(local).Count > 0;
            }
            if (!anyStart) found.Add(date);
        }
        return found;
    }
}

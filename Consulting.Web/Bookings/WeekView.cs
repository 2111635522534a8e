using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>An open slot as one viewer sees it: local start in their zone, and that zone's abbreviation.</summary>
public sealed record SlotCell(OpenSlot Slot, LocalDateTime LocalStart, string ZoneAbbreviation)
{
    public int Minutes => (int)Slot.Length.TotalMinutes;

    public static SlotCell For(OpenSlot slot, DateTimeZone viewerZone) =>
        new(slot, slot.Start.InZone(viewerZone).LocalDateTime, ZoneDisplay.Abbreviation(viewerZone, slot.Start));
}

public sealed record DayColumn(LocalDate Date, IReadOnlyList<SlotCell> Slots);

/// <summary>Seven days of a specialist's open slots, laid out in the viewer's zone (Monday first).</summary>
public sealed record WeekView(LocalDate WeekStart, string ZoneId, IReadOnlyList<DayColumn> Days, bool HasPrevious)
{
    public LocalDate Previous => WeekStart.PlusWeeks(-1);
    public LocalDate Next => WeekStart.PlusWeeks(1);
    public int SlotCount => Days.Sum(d => d.Slots.Count);
}

public sealed class WeekViews(OpenSlots openSlots, IClock clock)
{
    /// <summary>Weeks further ahead than this are not offered.</summary>
    public const int MaxWeeksAhead = 52;

    public static LocalDate MondayOf(LocalDate date) => date.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday));

    public async Task<WeekView> WeekAsync(Guid specialistId, string zoneId, LocalDate? requested, CancellationToken ct)
    {
        var zone = TimeZones.Get(zoneId);
        var thisWeek = MondayOf(clock.GetCurrentInstant().InZone(zone).Date);
        var start = requested is { } r ? MondayOf(r) : thisWeek;
        if (start < thisWeek) start = thisWeek;
        if (start > thisWeek.PlusWeeks(MaxWeeksAhead)) start = thisWeek.PlusWeeks(MaxWeeksAhead);

        var from = zone.AtStartOfDay(start).ToInstant();
        var to = zone.AtStartOfDay(start.PlusWeeks(1)).ToInstant();
        var slots = await openSlots.BetweenAsync(specialistId, from, to, ct);
        var byDay = slots.ToLookup(s => s.Start.InZone(zone).Date);
        var days = Enumerable.Range(0, 7).Select(i => start.PlusDays(i)).Select(date => new DayColumn(date,
            byDay[date].Select(s => SlotCell.For(s, zone)).ToList()))
            .ToList();
        return new WeekView(start, zoneId, days, start > thisWeek);
    }
}

using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.Extensions.Caching.Memory;
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
/// <param name="NextOpen">For a week without open times: the first open time after it, if there is one.</param>
public sealed record WeekView(LocalDate WeekStart, string ZoneId, IReadOnlyList<DayColumn> Days, bool HasPrevious, string CacheKey,
    SlotCell? NextOpen = null)
{
    public LocalDate Previous => WeekStart.PlusWeeks(-1);
    public LocalDate Next => WeekStart.PlusWeeks(1);
    public int SlotCount => Days.Sum(d => d.Slots.Count);
}

/// <remarks>
/// The busiest page of the site: a week is kept for <see cref="Freshness"/> and shared by everyone
/// viewing it. A slot taken in that moment can still show as open; choosing it then gets "this
/// time was just taken" with fresh alternatives, because holds are decided by the database.
/// </remarks>
public sealed class WeekViews(OpenSlots openSlots, IClock clock, IMemoryCache cache)
{
    /// <summary>Weeks further ahead than this are not offered.</summary>
    public const int MaxWeeksAhead = 52;
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    public static LocalDate MondayOf(LocalDate date) => date.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday));

    public async Task<WeekView> WeekAsync(Guid specialistId, string zoneId, LocalDate? requested, CancellationToken ct)
    {
        var zone = TimeZones.Get(zoneId);
        var thisWeek = MondayOf(clock.GetCurrentInstant().InZone(zone).Date);
        var start = requested is { } r ? MondayOf(r) : thisWeek;
        if (start < thisWeek) start = thisWeek;
        if (start > thisWeek.PlusWeeks(MaxWeeksAhead)) start = thisWeek.PlusWeeks(MaxWeeksAhead);

        // The minute is part of the key: what the minimum notice hides moves with the clock.
        var minute = clock.GetCurrentInstant().ToUnixTimeSeconds() / 60;
        var key = $"week:{specialistId:N}:{start:yyyy-MM-dd}:{zoneId}:{minute}";
        if (cache.TryGetValue(key, out WeekView? cached) && cached is not null) return cached;

        var from = zone.AtStartOfDay(start).ToInstant();
        var to = zone.AtStartOfDay(start.PlusWeeks(1)).ToInstant();
        var slots = await openSlots.BetweenAsync(specialistId, from, to, ct);
        var byDay = slots.ToLookup(s => s.Start.InZone(zone).Date);
        var days = Enumerable.Range(0, 7).Select(i => start.PlusDays(i)).Select(date => new DayColumn(date,
            byDay[date].Select(s => SlotCell.For(s, zone)).ToList()))
            .ToList();
        // An empty week says when the next open time is, so nobody pages through empty weeks to find it.
        var next = slots.Count == 0 && await openSlots.FirstFromAsync(specialistId, to, ct) is { } first ? SlotCell.For(first, zone) : null;
        var view = new WeekView(start, zoneId, days, start > thisWeek, key, next);
        cache.Set(key, view, Freshness);
        return view;
    }
}

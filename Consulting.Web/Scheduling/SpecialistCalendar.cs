using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Scheduling;

/// <param name="OutsideHours">Held, booked or blocked, but no longer part of the specialist's hours (a conflict).</param>
public sealed record CalendarSlot(Guid Id, LocalTime Start, LocalTime End, SlotState State, string? BlockReason, Money Price,
    bool OutsideHours);

/// <param name="Busy">Times the specialist's own calendars are busy that day (only the calendar's name is shown).</param>
public sealed record CalendarDay(LocalDate Date, bool InMonth, bool IsToday, IReadOnlyList<CalendarSlot> Slots,
    IReadOnlyList<CalendarBusy>? Busy = null);

/// <summary>Part of a day a calendar is busy; <see cref="Start"/>/<see cref="End"/> null where it runs on from or into another day.</summary>
public sealed record CalendarBusy(string CalendarName, LocalTime? Start, LocalTime? End);

public sealed record MonthView(YearMonth Month, string TimeZoneId, IReadOnlyList<IReadOnlyList<CalendarDay>> Weeks)
{
    public YearMonth Previous => Month.PlusMonths(-1);
    public YearMonth Next => Month.PlusMonths(1);
}

public enum SlotChange
{
    Done,
    NotFound,
    /// <summary>The slot changed state under us (a customer held or booked it first).</summary>
    NoLongerFree,
}

/// <summary>The specialist's month grid (weeks Monday–Sunday, in the specialist's zone) and slot blocking.</summary>
public sealed class SpecialistCalendar(AppDbContext db, IClock clock)
{
    public async Task<MonthView> MonthAsync(Guid specialistId, string zoneId, YearMonth month, CancellationToken ct)
    {
        var zone = TimeZones.Get(zoneId);
        var first = month.OnDayOfMonth(1);
        var gridStart = first.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday));
        var gridEnd = month.OnDayOfMonth(month.Calendar.GetDaysInMonth(month.Year, month.Month))
            .With(DateAdjusters.NextOrSame(IsoDayOfWeek.Sunday));
        var from = zone.AtStartOfDay(gridStart).ToInstant();
        var to = zone.AtStartOfDay(gridEnd.PlusDays(1)).ToInstant();

        var slots = await Shown(specialistId)
            .Where(s => s.Start >= from && s.Start < to)
            .OrderBy(s => s.Start)
            .ToListAsync(ct);
        var byDate = slots.ToLookup(s => s.Start.InZone(zone).Date);
        var busy = await BusyByDateAsync(specialistId, zone, from, to, ct);
        var today = clock.GetCurrentInstant().InZone(zone).Date;

        var weeks = new List<IReadOnlyList<CalendarDay>>();
        for (var weekStart = gridStart; weekStart <= gridEnd; weekStart = weekStart.PlusWeeks(1))
        {
            weeks.Add(Enumerable.Range(0, 7).Select(i => weekStart.PlusDays(i)).Select(date => new CalendarDay(
                date, date.Month == month.Month, date == today,
                byDate[date].Select(s => ToCalendarSlot(s, zone)).ToList(), busy[date].ToList())).ToList());
        }
        return new MonthView(month, zoneId, weeks);
    }

    public async Task<CalendarDay?> DayOfSlotAsync(Guid specialistId, string zoneId, Guid slotId, CancellationToken ct)
    {
        var zone = TimeZones.Get(zoneId);
        var slot = await db.Slots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == slotId && s.SpecialistId == specialistId, ct);
        if (slot is null) return null;
        var date = slot.Start.InZone(zone).Date;
        var from = zone.AtStartOfDay(date).ToInstant();
        var to = zone.AtStartOfDay(date.PlusDays(1)).ToInstant();
        var slots = await Shown(specialistId)
            .Where(s => s.Start >= from && s.Start < to)
            .OrderBy(s => s.Start).ToListAsync(ct);
        var today = clock.GetCurrentInstant().InZone(zone).Date;
        var busy = await BusyByDateAsync(specialistId, zone, from, to, ct);
        return new CalendarDay(date, true, date == today, slots.Select(s => ToCalendarSlot(s, zone)).ToList(), busy[date].ToList());
    }

    /// <summary>The busy times of the specialist's own calendars between <paramref name="rangeStart"/> and <paramref name="rangeEnd"/>, cut into days.</summary>
    private async Task<ILookup<LocalDate, CalendarBusy>> BusyByDateAsync(Guid specialistId, DateTimeZone zone, Instant rangeStart, Instant rangeEnd,
        CancellationToken ct)
    {
        var periods = await (
            from b in db.BusyPeriods.AsNoTracking()
            join c in db.ExternalCalendars.AsNoTracking() on b.CalendarId equals c.Id
            where b.SpecialistId == specialistId && b.Start < rangeEnd && b.End > rangeStart
            orderby b.Start
            select new { c.Name, b.Start, b.End }).ToListAsync(ct);
        var days = new List<(LocalDate Date, CalendarBusy Busy)>();
        foreach (var p in periods)
        {
            var start = p.Start.InZone(zone);
            var end = p.End.InZone(zone);
            // An end at midnight belongs to the day before.
            var lastDate = end.TimeOfDay == LocalTime.Midnight ? end.Date.PlusDays(-1) : end.Date;
            for (var date = start.Date; date <= lastDate; date = date.PlusDays(1))
                days.Add((date, new CalendarBusy(p.Name,
                    date == start.Date && start.TimeOfDay != LocalTime.Midnight ? start.TimeOfDay : null,
                    date == end.Date ? end.TimeOfDay : null)));
        }
        return days.ToLookup(d => d.Date, d => d.Busy);
    }

    /// <summary>Blocks a free slot; a <see cref="DomainException"/> means the reason is invalid.</summary>
    public Task<SlotChange> BlockAsync(Guid specialistId, Guid slotId, string? reason, CancellationToken ct) =>
        ChangeAsync(specialistId, slotId, s => s.Block(reason ?? ""), ct);

    public Task<SlotChange> UnblockAsync(Guid specialistId, Guid slotId, CancellationToken ct) =>
        ChangeAsync(specialistId, slotId, s => s.Unblock(), ct);

    private async Task<SlotChange> ChangeAsync(Guid specialistId, Guid slotId, Action<Slot> change, CancellationToken ct)
    {
        var slot = await db.Slots.SingleOrDefaultAsync(s => s.Id == slotId && s.SpecialistId == specialistId, ct);
        if (slot is null) return SlotChange.NotFound;
        try
        {
            change(slot);
        }
        catch (DomainException e) when (e.Field is null)
        {
            return SlotChange.NoLongerFree;
        }
        try
        {
            await db.SaveChangesAsync(ct);
            return SlotChange.Done;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return SlotChange.NoLongerFree;
        }
    }

    /// <summary>The specialist's slots, less free ones that are no longer part of their hours (the next reconcile removes those).</summary>
    private IQueryable<Slot> Shown(Guid specialistId) => db.Slots.AsNoTracking()
        .Where(s => s.SpecialistId == specialistId
            && !(s.State == SlotState.Available && s.Unavailability != SlotUnavailability.None));

    private static CalendarSlot ToCalendarSlot(Slot s, DateTimeZone zone) =>
        new(s.Id, s.Start.InZone(zone).TimeOfDay, s.End.InZone(zone).TimeOfDay, s.State, s.BlockReason, s.Price,
            s.Unavailability != SlotUnavailability.None);
}

using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using NodaTime;

namespace Consulting.Tests.Scheduling;

/// <summary>
/// Windows that end at midnight (23:00–24:00) or run past it (22:00–02:00), planned across real
/// 2027 clock changes. Each fact relied on is asserted against NodaTime's tzdb first.
/// </summary>
public class MidnightWindowTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 1, 0, 0);
    private static readonly Money Price = new(7500, "USD");
    private static readonly TimeWindow ElevenToMidnight = new(new LocalTime(23, 0), LocalTime.Midnight, 60);
    private static readonly TimeWindow TenToTwo = new(new LocalTime(22, 0), new LocalTime(2, 0), 60);

    private static AvailabilitySchedule Schedule(string zoneId, params (IsoDayOfWeek Day, TimeWindow Window)[] windows)
    {
        var schedule = AvailabilitySchedule.Create(Guid.NewGuid(), zoneId, new LocalDate(2026, 11, 1), 0, Price, Now);
        foreach (var (day, window) in windows) schedule.AddWindow(day, window, Now);
        return schedule;
    }

    private static Instant Utc(int month, int day, int hour, int minute = 0) => Instant.FromUtc(2027, month, day, hour, minute);

    private static DateTimeZone Zone(string id) => DateTimeZoneProviders.Tzdb[id];

    private static void AssertTransition(string zoneId, Instant at, Offset before, Offset after)
    {
        var zone = Zone(zoneId);
        Assert.Equal(before, zone.GetUtcOffset(at - Duration.Epsilon));
        Assert.Equal(after, zone.GetUtcOffset(at));
    }

    private static Offset Hours(int hours, int minutes = 0) => Offset.FromHoursAndMinutes(hours, minutes);

    // --- America/New_York, spring: Sunday 2027-03-14 ---

    [Fact]
    public void New_York_23_to_24_on_both_sides_of_the_spring_change_is_one_real_hour_each()
    {
        // tzdb: America/New_York springs forward on Sunday 2027-03-14 at 02:00 EST (−05:00) → 03:00 EDT (−04:00), i.e. at 07:00Z.
        AssertTransition("America/New_York", Utc(3, 14, 7), Hours(-5), Hours(-4));
        var schedule = Schedule("America/New_York", (IsoDayOfWeek.Saturday, ElevenToMidnight), (IsoDayOfWeek.Sunday, ElevenToMidnight));

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 3, 13), new LocalDate(2027, 3, 14));

        // Sat 23:00 EST = 04:00Z; Sun 23:00 EDT = 03:00Z on Monday.
        Assert.Equal([(Utc(3, 14, 4), Utc(3, 14, 5)), (Utc(3, 15, 3), Utc(3, 15, 4))], plan.Select(p => (p.Start, p.End)));
        Assert.Equal([new LocalDate(2027, 3, 13), new LocalDate(2027, 3, 14)], plan.Select(p => p.Day));
        Assert.Equal(0, plan.SkippedOverlaps);
    }

    [Fact]
    public void New_York_22_to_02_on_the_night_of_the_spring_change_runs_into_sunday_before_the_gap()
    {
        // tzdb: America/New_York springs forward on 2027-03-14 at 02:00 EST → 03:00 EDT: the window
        // listed on Saturday ends at the very moment the gap begins, so all four starts exist.
        AssertTransition("America/New_York", Utc(3, 14, 7), Hours(-5), Hours(-4));
        var schedule = Schedule("America/New_York", (IsoDayOfWeek.Saturday, TenToTwo));

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 3, 13), new LocalDate(2027, 3, 14));

        // 22:00, 23:00 EST Saturday; 00:00, 01:00 EST Sunday (the last ends at 07:00Z, which is 03:00 EDT).
        Assert.Equal([Utc(3, 14, 3), Utc(3, 14, 4), Utc(3, 14, 5), Utc(3, 14, 6)], plan.Select(p => p.Start));
        Assert.Equal(Utc(3, 14, 7), plan[^1].End);
        Assert.Equal([new LocalDate(2027, 3, 13), new LocalDate(2027, 3, 13), new LocalDate(2027, 3, 14), new LocalDate(2027, 3, 14)],
            plan.Select(p => p.Day));
    }

    [Fact]
    public void New_York_22_to_04_across_the_spring_gap_skips_02_00_and_counts_the_start_that_would_overlap()
    {
        // tzdb: America/New_York springs forward on 2027-03-14 at 02:00 EST → 03:00 EDT. In 45-minute
        // slots from 22:00: 01:45 EST (06:45Z) lasts to 07:30Z = 03:30 EDT; 02:30 doesn't exist;
        // 03:15 EDT (07:15Z) would start inside the 01:45 slot, so it is skipped and counted.
        AssertTransition("America/New_York", Utc(3, 14, 7), Hours(-5), Hours(-4));
        Assert.Equal(0, Zone("America/New_York").MapLocal(new LocalDateTime(2027, 3, 14, 2, 30)).Count);
        var schedule = Schedule("America/New_York", (IsoDayOfWeek.Saturday, new TimeWindow(new LocalTime(22, 0), new LocalTime(4, 0), 45)));

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 3, 13), new LocalDate(2027, 3, 14));

        Assert.Equal(Utc(3, 14, 6, 45), plan[^1].Start);
        Assert.Equal(Utc(3, 14, 7, 30), plan[^1].End);
        Assert.Equal(6, plan.Count);
        Assert.Equal(1, plan.SkippedOverlaps);
    }

    // --- America/New_York, autumn: Sunday 2027-11-07 ---

    [Fact]
    public void New_York_23_to_24_on_both_sides_of_the_autumn_change_is_one_real_hour_each()
    {
        // tzdb: America/New_York falls back on Sunday 2027-11-07 at 02:00 EDT (−04:00) → 01:00 EST (−05:00), i.e. at 06:00Z.
        AssertTransition("America/New_York", Utc(11, 7, 6), Hours(-4), Hours(-5));
        var schedule = Schedule("America/New_York", (IsoDayOfWeek.Saturday, ElevenToMidnight), (IsoDayOfWeek.Sunday, ElevenToMidnight));

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 11, 6), new LocalDate(2027, 11, 7));

        // Sat 23:00 EDT = 03:00Z; Sun 23:00 EST = 04:00Z on Monday.
        Assert.Equal([(Utc(11, 7, 3), Utc(11, 7, 4)), (Utc(11, 8, 4), Utc(11, 8, 5))], plan.Select(p => (p.Start, p.End)));
    }

    [Fact]
    public void New_York_22_to_02_on_the_night_of_the_autumn_change_takes_01_00_once_at_edt()
    {
        // tzdb: America/New_York falls back on 2027-11-07 at 02:00 EDT → 01:00 EST: local 01:00
        // happens at 05:00Z (EDT) and again at 06:00Z (EST). The window's 01:00 start takes the
        // earlier; it lasts a real hour, to 06:00Z, which the clock shows as 01:00 EST.
        AssertTransition("America/New_York", Utc(11, 7, 6), Hours(-4), Hours(-5));
        Assert.Equal(2, Zone("America/New_York").MapLocal(new LocalDateTime(2027, 11, 7, 1, 0)).Count);
        var schedule = Schedule("America/New_York", (IsoDayOfWeek.Saturday, TenToTwo));

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 11, 6), new LocalDate(2027, 11, 7));

        Assert.Equal([Utc(11, 7, 2), Utc(11, 7, 3), Utc(11, 7, 4), Utc(11, 7, 5)], plan.Select(p => p.Start));
        Assert.Equal(Utc(11, 7, 6), plan[^1].End);
        Assert.Equal(0, plan.SkippedOverlaps);
    }

    // --- Australia/Lord_Howe: half-hour changes ---

    [Fact]
    public void Lord_Howe_22_to_02_on_the_night_daylight_saving_ends_finishes_in_the_repeated_half_hour()
    {
        // tzdb: Australia/Lord_Howe's daylight saving ends on Sunday 2027-04-04 at 02:00 (+11:00) →
        // 01:30 (+10:30), i.e. at 15:00Z on the 3rd: local 01:30–01:59 happens twice. The 01:00
        // slot (+11:00, 14:00Z) lasts a real hour and ends at 15:00Z, the first moment of the repeat.
        AssertTransition("Australia/Lord_Howe", Utc(4, 3, 15), Hours(11), Hours(10, 30));
        var schedule = Schedule("Australia/Lord_Howe", (IsoDayOfWeek.Saturday, TenToTwo));

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 4, 3), new LocalDate(2027, 4, 4));

        Assert.Equal([Utc(4, 3, 11), Utc(4, 3, 12), Utc(4, 3, 13), Utc(4, 3, 14)], plan.Select(p => p.Start));
        Assert.Equal(Utc(4, 3, 15), plan[^1].End);
        Assert.Equal(new LocalTime(1, 30), plan[^1].End.InZone(Zone("Australia/Lord_Howe")).TimeOfDay);
    }

    [Fact]
    public void Lord_Howe_22_to_02_on_the_night_daylight_saving_starts_loses_no_start_and_its_last_slot_ends_at_02_30()
    {
        // tzdb: Australia/Lord_Howe's daylight saving starts on Sunday 2027-10-03 at 02:00 (+10:30)
        // → 02:30 (+11:00), i.e. at 15:30Z on the 2nd. The window ends as the gap begins; its 01:00
        // slot (+10:30, 14:30Z) lasts a real hour, to 15:30Z, which the clock shows as 02:30.
        AssertTransition("Australia/Lord_Howe", Utc(10, 2, 15, 30), Hours(10, 30), Hours(11));
        var schedule = Schedule("Australia/Lord_Howe", (IsoDayOfWeek.Saturday, TenToTwo), (IsoDayOfWeek.Sunday, ElevenToMidnight));

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 10, 2), new LocalDate(2027, 10, 3));

        Assert.Equal([Utc(10, 2, 11, 30), Utc(10, 2, 12, 30), Utc(10, 2, 13, 30), Utc(10, 2, 14, 30), Utc(10, 3, 12)],
            plan.Select(p => p.Start));
        Assert.Equal(new LocalTime(2, 30), plan[3].End.InZone(Zone("Australia/Lord_Howe")).TimeOfDay);
        // Sunday 23:00 is already on +11:00: 12:00Z, and 24:00 is 13:00Z.
        Assert.Equal(Utc(10, 3, 13), plan[4].End);
    }

    [Fact]
    public void Lord_Howe_a_window_wholly_inside_the_half_hour_gap_has_no_slot_that_day_and_the_date_is_named()
    {
        // tzdb: on 2027-10-03 Lord Howe's clocks go from 02:00 (+10:30) to 02:30 (+11:00): 02:00–02:29 doesn't exist.
        Assert.Equal(0, Zone("Australia/Lord_Howe").MapLocal(new LocalDateTime(2027, 10, 3, 2, 0)).Count);
        Assert.Equal(0, Zone("Australia/Lord_Howe").MapLocal(new LocalDateTime(2027, 10, 3, 2, 15)).Count);
        var window = new TimeWindow(new LocalTime(2, 0), new LocalTime(2, 30), 15);
        var schedule = Schedule("Australia/Lord_Howe", (IsoDayOfWeek.Sunday, window));

        Assert.Empty(SlotPlanner.Plan(schedule, new LocalDate(2027, 10, 3), new LocalDate(2027, 10, 3)));
        Assert.Equal(2, SlotPlanner.Plan(schedule, new LocalDate(2027, 10, 10), new LocalDate(2027, 10, 10)).Count);
        var sundays = Enumerable.Range(0, 60).Select(w => new LocalDate(2027, 1, 3).PlusWeeks(w));
        Assert.Equal([new LocalDate(2027, 10, 3)], SlotPlanner.DatesInGap(schedule.Zone, window, 0, sundays));
    }

    [Fact]
    public void New_York_a_window_wholly_inside_the_spring_gap_is_named_with_its_date_only()
    {
        // tzdb: America/New_York's 02:00–02:59 doesn't exist on 2027-03-14 (nor on 2028-03-12).
        var window = new TimeWindow(new LocalTime(2, 0), new LocalTime(3, 0), 30);
        var sundays = Enumerable.Range(0, 70).Select(w => new LocalDate(2027, 1, 3).PlusWeeks(w));

        Assert.Equal([new LocalDate(2027, 3, 14), new LocalDate(2028, 3, 12)], SlotPlanner.DatesInGap(Zone("America/New_York"), window, 0, sundays));
        Assert.Empty(SlotPlanner.DatesInGap(Zone("Asia/Tokyo"), window, 0, sundays));
    }

    // --- Days off and the window of the evening before ---

    [Fact]
    public void A_day_off_has_no_slot_even_from_the_previous_evenings_window()
    {
        var schedule = Schedule("UTC", (IsoDayOfWeek.Monday, TenToTwo), (IsoDayOfWeek.Tuesday, TenToTwo));
        schedule.SetException(new LocalDate(2027, 3, 2), false, [], "Off", Now); // Tuesday

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 3, 1), new LocalDate(2027, 3, 3));

        // Monday 22:00 and 23:00 only: Monday's window doesn't run into Tuesday, a day off, and
        // Tuesday's own window doesn't open, so nothing runs into Wednesday either.
        Assert.Equal([Instant.FromUtc(2027, 3, 1, 22, 0), Instant.FromUtc(2027, 3, 1, 23, 0)], plan.Select(p => p.Start));
    }

    [Fact]
    public void Planning_from_a_date_includes_the_starts_of_the_previous_evenings_window_that_fall_on_it()
    {
        var schedule = Schedule("UTC", (IsoDayOfWeek.Monday, TenToTwo));

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 3, 2), new LocalDate(2027, 3, 2));

        Assert.Equal([Instant.FromUtc(2027, 3, 2, 0, 0), Instant.FromUtc(2027, 3, 2, 1, 0)], plan.Select(p => p.Start));
    }

    [Fact]
    public void A_window_running_into_the_next_days_own_window_is_refused_when_saved()
    {
        var schedule = Schedule("UTC", (IsoDayOfWeek.Tuesday, new TimeWindow(new LocalTime(1, 0), new LocalTime(5, 0), 60)));

        var ex = Assert.Throws<DomainException>(() => schedule.AddWindow(IsoDayOfWeek.Monday, TenToTwo, Now));

        Assert.Equal(("Start", "This window overlaps Tuesday's 01:00–05:00."), (ex.Field, ex.Message));
        var sunday = Assert.Throws<DomainException>(() =>
            Schedule("UTC", (IsoDayOfWeek.Sunday, TenToTwo)).AddWindow(IsoDayOfWeek.Monday, new TimeWindow(new LocalTime(1, 0), new LocalTime(3, 0), 60), Now));
        Assert.Equal("This window overlaps Sunday's 22:00–02:00.", sunday.Message);
    }

    [Fact]
    public void A_windows_own_price_is_the_price_of_its_slots()
    {
        var schedule = Schedule("UTC", (IsoDayOfWeek.Monday, new TimeWindow(new LocalTime(9, 0), new LocalTime(10, 0), 30)),
            (IsoDayOfWeek.Monday, new TimeWindow(new LocalTime(18, 0), new LocalTime(19, 0), 30, 12000)));

        var plan = SlotPlanner.Plan(schedule, new LocalDate(2027, 3, 1), new LocalDate(2027, 3, 1));

        Assert.Equal([7500L, 7500L, 12000L, 12000L], plan.Select(p => p.Price.Minor));
        Assert.All(plan, p => Assert.Equal("USD", p.Price.Currency));
    }

    [Fact]
    public void A_new_currency_clears_window_prices_and_says_so()
    {
        var schedule = Schedule("UTC", (IsoDayOfWeek.Monday, new TimeWindow(new LocalTime(18, 0), new LocalTime(19, 0), 30, 12000)));

        Assert.False(schedule.UpdateSettings("UTC", schedule.ActiveFrom, 0, new Money(8000, "USD"), Now));
        Assert.Equal(12000, schedule.Windows.Single().PriceMinor);
        Assert.True(schedule.UpdateSettings("UTC", schedule.ActiveFrom, 0, new Money(9000, "EUR"), Now));
        Assert.Null(schedule.Windows.Single().PriceMinor);
    }
}

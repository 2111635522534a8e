using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using NodaTime;

namespace Consulting.Tests.Scheduling;

[NoDatabase]
public class SlotPlannerTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 1, 0, 0);
    private static readonly Money Price = new(7500, "USD");

    private static AvailabilitySchedule Schedule(string zoneId, LocalDate activeFrom, int bufferMinutes = 0) =>
        AvailabilitySchedule.Create(Guid.NewGuid(), zoneId, activeFrom, bufferMinutes, Price, Now);

    private static TimeWindow Window(int startHour, int startMinute, int endHour, int endMinute, int slotMinutes) =>
        new(new LocalTime(startHour, startMinute), new LocalTime(endHour, endMinute), slotMinutes);

    private static TimeWindow Window(int startHour, int endHour, int slotMinutes) => Window(startHour, 0, endHour, 0, slotMinutes);

    private static List<PlannedSlot> PlanDay(AvailabilitySchedule schedule, LocalDate date) =>
        SlotPlanner.Plan(schedule, date, date).ToList();

    private static List<LocalTime> LocalStarts(IEnumerable<PlannedSlot> slots, string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        return slots.Select(s => s.Start.InZone(zone).TimeOfDay).ToList();
    }

    private static Instant Utc(int year, int month, int day, int hour, int minute = 0) =>
        Instant.FromUtc(year, month, day, hour, minute);

    private static Offset Hours(int hours, int minutes = 0) => Offset.FromHoursAndMinutes(hours, minutes);

    // --- DST: America/New_York ---

    [Fact]
    public void New_York_spring_forward_skips_the_start_that_does_not_exist()
    {
        // tzdb: America/New_York springs forward on Sunday 2026-03-08 at 02:00 EST (-05:00) to
        // 03:00 EDT (-04:00), so local 02:00–02:59 doesn't exist that day.
        var date = new LocalDate(2026, 3, 8);
        var zone = DateTimeZoneProviders.Tzdb["America/New_York"];
        Assert.Equal(IsoDayOfWeek.Sunday, date.DayOfWeek);
        Assert.Equal(0, zone.MapLocal(date.At(new LocalTime(2, 0))).Count);
        Assert.Equal(Hours(-5), zone.GetUtcOffset(Utc(2026, 3, 8, 6, 59)));
        Assert.Equal(Hours(-4), zone.GetUtcOffset(Utc(2026, 3, 8, 7, 0)));

        var schedule = Schedule("America/New_York", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Sunday, Window(1, 4, 60), Now);

        var slots = PlanDay(schedule, date);

        Assert.Equal([Utc(2026, 3, 8, 6, 0), Utc(2026, 3, 8, 7, 0)], slots.Select(s => s.Start));
        Assert.Equal([Utc(2026, 3, 8, 7, 0), Utc(2026, 3, 8, 8, 0)], slots.Select(s => s.End));
        Assert.Equal([new LocalTime(1, 0), new LocalTime(3, 0)], LocalStarts(slots, "America/New_York"));
    }

    [Fact]
    public void New_York_fall_back_yields_the_repeated_start_once_at_the_earlier_offset()
    {
        // tzdb: America/New_York falls back on Sunday 2026-11-01 at 02:00 EDT (-04:00) to 01:00 EST
        // (-05:00), so local 01:00–01:59 happens twice: 05:00Z (EDT) and 06:00Z (EST).
        var date = new LocalDate(2026, 11, 1);
        var zone = DateTimeZoneProviders.Tzdb["America/New_York"];
        Assert.Equal(IsoDayOfWeek.Sunday, date.DayOfWeek);
        Assert.Equal(2, zone.MapLocal(date.At(new LocalTime(1, 0))).Count);
        Assert.Equal(Hours(-4), zone.GetUtcOffset(Utc(2026, 11, 1, 5, 59)));
        Assert.Equal(Hours(-5), zone.GetUtcOffset(Utc(2026, 11, 1, 6, 0)));

        var schedule = Schedule("America/New_York", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Sunday, Window(1, 4, 60), Now);

        var slots = PlanDay(schedule, date);

        Assert.Equal([Utc(2026, 11, 1, 5, 0), Utc(2026, 11, 1, 7, 0), Utc(2026, 11, 1, 8, 0)], slots.Select(s => s.Start));
        Assert.Equal(Hours(-4), slots[0].Start.InZone(zone).Offset);
        Assert.Equal(Duration.FromMinutes(60), slots[0].End - slots[0].Start);
        Assert.Equal(Utc(2026, 11, 1, 6, 0), slots[0].End);
    }

    [Fact]
    public void A_slot_across_the_spring_gap_lasts_its_real_length_and_the_next_overlapping_start_is_left_out()
    {
        // tzdb: America/New_York springs forward on 2026-03-08 at 02:00 EST → 03:00 EDT. A 45-minute
        // slot at 01:45 EST (06:45Z) ends at 07:30Z = 03:30 EDT; 02:30 doesn't exist; 03:15 EDT
        // (07:15Z) would start inside it, so only 04:00 EDT (08:00Z) follows.
        var schedule = Schedule("America/New_York", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Sunday, Window(1, 5, 45), Now);

        var slots = PlanDay(schedule, new LocalDate(2026, 3, 8));

        Assert.Equal([Utc(2026, 3, 8, 6, 0), Utc(2026, 3, 8, 6, 45), Utc(2026, 3, 8, 8, 0)], slots.Select(s => s.Start));
        Assert.Equal(Utc(2026, 3, 8, 7, 30), slots[1].End);
    }

    // --- DST: Europe/London ---

    [Fact]
    public void London_spring_forward_skips_01_00()
    {
        // tzdb: Europe/London's BST starts on Sunday 2026-03-29 at 01:00 GMT (+00:00) → 02:00 BST (+01:00).
        var date = new LocalDate(2026, 3, 29);
        var zone = DateTimeZoneProviders.Tzdb["Europe/London"];
        Assert.Equal(Hours(0), zone.GetUtcOffset(Utc(2026, 3, 29, 0, 59)));
        Assert.Equal(Hours(1), zone.GetUtcOffset(Utc(2026, 3, 29, 1, 0)));

        var schedule = Schedule("Europe/London", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Sunday, Window(0, 3, 60), Now);

        var slots = PlanDay(schedule, date);

        Assert.Equal([Utc(2026, 3, 29, 0, 0), Utc(2026, 3, 29, 1, 0)], slots.Select(s => s.Start));
        Assert.Equal([new LocalTime(0, 0), new LocalTime(2, 0)], LocalStarts(slots, "Europe/London"));
    }

    [Fact]
    public void London_fall_back_takes_01_00_once_at_bst()
    {
        // tzdb: Europe/London's BST ends on Sunday 2026-10-25 at 02:00 BST (+01:00) → 01:00 GMT
        // (+00:00), so local 01:00 happens at 00:00Z (BST) and again at 01:00Z (GMT).
        var date = new LocalDate(2026, 10, 25);
        var zone = DateTimeZoneProviders.Tzdb["Europe/London"];
        Assert.Equal(Hours(1), zone.GetUtcOffset(Utc(2026, 10, 25, 0, 59)));
        Assert.Equal(Hours(0), zone.GetUtcOffset(Utc(2026, 10, 25, 1, 0)));

        var schedule = Schedule("Europe/London", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Sunday, Window(0, 3, 60), Now);

        var slots = PlanDay(schedule, date);

        Assert.Equal([Utc(2026, 10, 24, 23, 0), Utc(2026, 10, 25, 0, 0), Utc(2026, 10, 25, 2, 0)], slots.Select(s => s.Start));
        Assert.Equal(Hours(1), slots[1].Start.InZone(zone).Offset);
    }

    // --- DST: Australia/Lord_Howe (half-hour shift) ---

    [Fact]
    public void Lord_Howe_autumn_repeats_half_an_hour_and_the_repeated_start_takes_the_earlier_offset()
    {
        // tzdb: Australia/Lord_Howe's DST ends on Sunday 2026-04-05 at 02:00 (+11:00) → 01:30
        // (+10:30), i.e. at 15:00Z on 2026-04-04; local 01:30–01:59 happens twice.
        var date = new LocalDate(2026, 4, 5);
        var zone = DateTimeZoneProviders.Tzdb["Australia/Lord_Howe"];
        Assert.Equal(IsoDayOfWeek.Sunday, date.DayOfWeek);
        Assert.Equal(Hours(11), zone.GetUtcOffset(Utc(2026, 4, 4, 14, 59)));
        Assert.Equal(Hours(10, 30), zone.GetUtcOffset(Utc(2026, 4, 4, 15, 0)));
        Assert.Equal(2, zone.MapLocal(date.At(new LocalTime(1, 30))).Count);

        var schedule = Schedule("Australia/Lord_Howe", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Sunday, Window(1, 3, 30), Now);

        var slots = PlanDay(schedule, date);

        // 01:00 (+11), 01:30 (+11, the earlier), 02:00 (+10:30), 02:30 (+10:30).
        Assert.Equal([Utc(2026, 4, 4, 14, 0), Utc(2026, 4, 4, 14, 30), Utc(2026, 4, 4, 15, 30), Utc(2026, 4, 4, 16, 0)],
            slots.Select(s => s.Start));
        Assert.Equal(Utc(2026, 4, 4, 15, 0), slots[1].End);
    }

    [Fact]
    public void Lord_Howe_spring_skips_the_missing_half_hour()
    {
        // tzdb: Australia/Lord_Howe's DST starts on Sunday 2026-10-04 at 02:00 (+10:30) → 02:30
        // (+11:00), i.e. at 15:30Z on 2026-10-03; local 02:00–02:29 doesn't exist.
        var date = new LocalDate(2026, 10, 4);
        var zone = DateTimeZoneProviders.Tzdb["Australia/Lord_Howe"];
        Assert.Equal(IsoDayOfWeek.Sunday, date.DayOfWeek);
        Assert.Equal(Hours(10, 30), zone.GetUtcOffset(Utc(2026, 10, 3, 15, 29)));
        Assert.Equal(Hours(11), zone.GetUtcOffset(Utc(2026, 10, 3, 15, 30)));
        Assert.Equal(0, zone.MapLocal(date.At(new LocalTime(2, 0))).Count);

        var schedule = Schedule("Australia/Lord_Howe", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Sunday, Window(1, 3, 30), Now);

        var slots = PlanDay(schedule, date);

        // 01:00 (+10:30), 01:30 (+10:30), 02:00 skipped, 02:30 (+11).
        Assert.Equal([Utc(2026, 10, 3, 14, 30), Utc(2026, 10, 3, 15, 0), Utc(2026, 10, 3, 15, 30)], slots.Select(s => s.Start));
        Assert.Equal([new LocalTime(1, 0), new LocalTime(1, 30), new LocalTime(2, 30)], LocalStarts(slots, "Australia/Lord_Howe"));
    }

    // --- Zones without DST ---

    [Fact]
    public void Kathmandu_slots_use_its_quarter_hour_offset()
    {
        // tzdb: Asia/Kathmandu has been +05:45 all year since 1986, with no DST.
        var schedule = Schedule("Asia/Kathmandu", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Wednesday, Window(9, 11, 60), Now);

        var slots = PlanDay(schedule, new LocalDate(2026, 6, 17));

        Assert.Equal([Utc(2026, 6, 17, 3, 15), Utc(2026, 6, 17, 4, 15)], slots.Select(s => s.Start));
        Assert.All(slots, s => Assert.Equal(Hours(5, 45), s.Start.InZone(schedule.Zone).Offset));
    }

    [Fact]
    public void Tokyo_slots_are_nine_hours_ahead_of_utc_and_start_the_day_before_in_utc()
    {
        // tzdb: Asia/Tokyo is +09:00 all year (no DST since 1951).
        var schedule = Schedule("Asia/Tokyo", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(8, 10, 60), Now);

        var slots = PlanDay(schedule, new LocalDate(2026, 3, 9));

        Assert.Equal([Utc(2026, 3, 8, 23, 0), Utc(2026, 3, 9, 0, 0)], slots.Select(s => s.Start));
    }

    // --- Walking a window ---

    [Fact]
    public void Buffer_separates_consecutive_slots()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1), bufferMinutes: 15);
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(9, 12, 45), Now);

        var slots = PlanDay(schedule, new LocalDate(2026, 3, 9));

        Assert.Equal([new LocalTime(9, 0), new LocalTime(10, 0), new LocalTime(11, 0)], LocalStarts(slots, "UTC"));
        Assert.All(slots, s => Assert.Equal(Duration.FromMinutes(45), s.End - s.Start));
    }

    [Fact]
    public void Window_that_does_not_fit_a_last_slot_stops_before_it()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(9, 0, 10, 40, 30), Now);

        var slots = PlanDay(schedule, new LocalDate(2026, 3, 9));

        Assert.Equal([new LocalTime(9, 0), new LocalTime(9, 30), new LocalTime(10, 0)], LocalStarts(slots, "UTC"));
    }

    [Fact]
    public void Slot_ending_exactly_at_the_window_end_is_included()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(9, 0, 10, 30, 30), Now);

        var slots = PlanDay(schedule, new LocalDate(2026, 3, 9));

        Assert.Equal([new LocalTime(9, 0), new LocalTime(9, 30), new LocalTime(10, 0)], LocalStarts(slots, "UTC"));
    }

    [Fact]
    public void Window_near_midnight_does_not_wrap_into_a_slot_ending_the_next_day()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(23, 0, 23, 59, 30), Now);

        var slots = PlanDay(schedule, new LocalDate(2026, 3, 9));

        // 23:30 + 30 min would end at midnight, after the window's 23:59 end.
        Assert.Equal([new LocalTime(23, 0)], LocalStarts(slots, "UTC"));
    }

    [Fact]
    public void Several_windows_on_a_day_give_their_slots_in_order()
    {
        var schedule = Schedule("Europe/Berlin", new LocalDate(2026, 1, 1));
        // Added out of order: the plan is still ordered by start.
        schedule.AddWindow(IsoDayOfWeek.Tuesday, Window(14, 16, 30), Now);
        schedule.AddWindow(IsoDayOfWeek.Tuesday, Window(9, 12, 60), Now);

        var slots = PlanDay(schedule, new LocalDate(2026, 3, 10));

        Assert.Equal(
            [new LocalTime(9, 0), new LocalTime(10, 0), new LocalTime(11, 0),
                new LocalTime(14, 0), new LocalTime(14, 30), new LocalTime(15, 0), new LocalTime(15, 30)],
            LocalStarts(slots, "Europe/Berlin"));
        Assert.Equal(Duration.FromMinutes(60), slots[0].End - slots[0].Start);
        Assert.Equal(Duration.FromMinutes(30), slots[^1].End - slots[^1].Start);
    }

    [Fact]
    public void Every_slot_carries_the_default_price()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(9, 12, 60), Now);

        var slots = PlanDay(schedule, new LocalDate(2026, 3, 9));

        Assert.All(slots, s => Assert.Equal(Price, s.Price));
    }

    // --- Which days ---

    [Fact]
    public void Day_off_exception_overrides_the_weekday()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(9, 12, 60), Now);
        var holiday = new LocalDate(2026, 3, 9);
        schedule.SetException(holiday, isAvailable: false, [], "Holiday", Now);

        Assert.Empty(PlanDay(schedule, holiday));
        Assert.Equal(3, PlanDay(schedule, holiday.PlusWeeks(1)).Count);
    }

    [Fact]
    public void Exception_with_its_own_windows_replaces_the_weekday_windows()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(9, 12, 60), Now);
        var date = new LocalDate(2026, 3, 9);
        schedule.SetException(date, isAvailable: true, [Window(16, 17, 30), Window(13, 14, 60)], null, Now);

        var slots = PlanDay(schedule, date);

        Assert.Equal([new LocalTime(13, 0), new LocalTime(16, 0), new LocalTime(16, 30)], LocalStarts(slots, "UTC"));
    }

    [Fact]
    public void Exception_on_a_day_without_weekday_windows_opens_it()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        var saturday = new LocalDate(2026, 3, 14);
        schedule.SetException(saturday, isAvailable: true, [Window(10, 11, 60)], null, Now);

        Assert.Equal([new LocalTime(10, 0)], LocalStarts(PlanDay(schedule, saturday), "UTC"));
    }

    [Fact]
    public void Disabled_weekday_has_no_slots_but_other_days_do()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(9, 12, 60), Now);
        schedule.AddWindow(IsoDayOfWeek.Tuesday, Window(9, 12, 60), Now);
        schedule.SetDayEnabled(IsoDayOfWeek.Monday, false, Now);

        var slots = SlotPlanner.Plan(schedule, new LocalDate(2026, 3, 9), new LocalDate(2026, 3, 10)).ToList();

        Assert.Equal(3, slots.Count);
        Assert.All(slots, s => Assert.Equal(IsoDayOfWeek.Tuesday, s.Start.InUtc().DayOfWeek));
    }

    [Fact]
    public void Days_before_active_from_have_no_slots()
    {
        var activeFrom = new LocalDate(2026, 3, 11);
        var schedule = Schedule("UTC", activeFrom);
        foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday })
            schedule.AddWindow(day, Window(9, 10, 60), Now);

        var slots = SlotPlanner.Plan(schedule, new LocalDate(2026, 3, 9), new LocalDate(2026, 3, 12)).ToList();

        Assert.Equal([new LocalDate(2026, 3, 11), new LocalDate(2026, 3, 12)], slots.Select(s => s.Start.InUtc().Date));
    }

    [Fact]
    public void Inactive_schedule_has_no_slots()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(9, 12, 60), Now);
        schedule.SetActive(false, Now);

        Assert.Empty(PlanDay(schedule, new LocalDate(2026, 3, 9)));
    }

    [Fact]
    public void Range_ending_before_it_starts_is_empty()
    {
        var schedule = Schedule("UTC", new LocalDate(2026, 1, 1));
        schedule.AddWindow(IsoDayOfWeek.Monday, Window(9, 12, 60), Now);

        Assert.Empty(SlotPlanner.Plan(schedule, new LocalDate(2026, 3, 10), new LocalDate(2026, 3, 9)));
    }

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Europe/London")]
    [InlineData("Australia/Lord_Howe")]
    [InlineData("America/Santiago")]
    [InlineData("Asia/Kathmandu")]
    public void A_year_of_slots_is_ordered_by_start_and_never_overlaps(string zoneId)
    {
        // Covers both DST changes of each zone in 2026, whatever their dates.
        var schedule = Schedule(zoneId, new LocalDate(2026, 1, 1), bufferMinutes: 5);
        foreach (var day in new[] { IsoDayOfWeek.Sunday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Monday })
        {
            schedule.AddWindow(day, Window(0, 0, 4, 0, 45), Now);
            schedule.AddWindow(day, Window(9, 0, 23, 59, 25), Now);
        }

        var slots = SlotPlanner.Plan(schedule, new LocalDate(2026, 1, 1), new LocalDate(2026, 12, 31)).ToList();

        Assert.NotEmpty(slots);
        for (var i = 1; i < slots.Count; i++)
            Assert.True(slots[i - 1].End <= slots[i].Start, $"{slots[i - 1]} overlaps or precedes {slots[i]}");
    }
}

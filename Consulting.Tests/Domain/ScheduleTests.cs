using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Domain;

[NoDatabase]
public class TimeWindowTests
{
    private static TimeWindow Window(int startHour, int endHour, int slotMinutes) =>
        new(new LocalTime(startHour, 0), new LocalTime(endHour, 0), slotMinutes);

    [Fact]
    public void Valid_window_has_no_problems()
    {
        var window = Window(9, 12, 45);

        Assert.Empty(window.Problems());
        window.EnsureValid();
    }

    [Fact]
    public void Window_exactly_one_slot_long_is_valid()
    {
        Assert.Empty(Window(9, 17, TimeWindow.MaxSlotMinutes).Problems());
    }

    [Fact]
    public void End_equal_to_start_is_a_problem_on_End()
    {
        var (field, message) = Assert.Single(Window(9, 9, 30).Problems());

        Assert.Equal("End", field);
        Assert.Equal("The end must be after the start.", message);
    }

    [Fact]
    public void End_before_start_runs_past_midnight_into_the_next_day()
    {
        var window = Window(22, 2, 60);

        Assert.Empty(window.Problems());
        Assert.True(window.CrossesMidnight);
        Assert.Equal(26 * NodaConstants.TicksPerHour, window.EndTick);
    }

    [Fact]
    public void End_at_midnight_is_the_end_of_the_day_not_a_crossing()
    {
        var window = new TimeWindow(new LocalTime(23, 0), LocalTime.Midnight, 60);

        Assert.Empty(window.Problems());
        Assert.True(window.EndsNextDay);
        Assert.False(window.CrossesMidnight);
        Assert.Equal(NodaConstants.TicksPerDay, window.EndTick);
        Assert.Equal("23:00–24:00 (60 min)", window.ToString());
    }

    [Fact]
    public void Midnight_to_midnight_is_the_whole_day()
    {
        var window = new TimeWindow(LocalTime.Midnight, LocalTime.Midnight, 480);

        Assert.Empty(window.Problems());
        Assert.Equal(NodaConstants.TicksPerDay, window.EndTick - window.StartTick);
    }

    [Fact]
    public void A_window_past_midnight_shorter_than_one_slot_is_a_problem_on_End()
    {
        var (field, message) = Assert.Single(new TimeWindow(new LocalTime(23, 30), new LocalTime(0, 15), 60).Problems());

        Assert.Equal(("End", "The window is shorter than one 60-minute slot."), (field, message));
    }

    [Fact]
    public void A_negative_window_price_is_a_problem_on_Price()
    {
        var (field, _) = Assert.Single(new TimeWindow(new LocalTime(9, 0), new LocalTime(12, 0), 60, -1).Problems());

        Assert.Equal("Price", field);
    }

    [Fact]
    public void A_window_past_midnight_overlaps_the_next_days_early_window_but_not_its_own_days()
    {
        var night = Window(22, 2, 60);

        Assert.True(night.Overlaps(Window(1, 3, 60), otherDaysLater: 1));
        Assert.False(night.Overlaps(Window(2, 4, 60), otherDaysLater: 1));
        Assert.False(night.Overlaps(Window(1, 3, 60)));
        Assert.True(Window(1, 3, 60).Overlaps(night, otherDaysLater: -1));
    }

    [Fact]
    public void Window_shorter_than_one_slot_is_a_problem_on_End()
    {
        var window = new TimeWindow(new LocalTime(9, 0), new LocalTime(9, 44), 45);

        var (field, message) = Assert.Single(window.Problems());

        Assert.Equal("End", field);
        Assert.Equal("The window is shorter than one 45-minute slot.", message);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(481)]
    public void Slot_length_outside_5_to_480_is_a_problem_on_SlotMinutes(int slotMinutes)
    {
        var (field, _) = Assert.Single(new TimeWindow(new LocalTime(0, 1), new LocalTime(23, 59), slotMinutes).Problems());

        Assert.Equal("SlotMinutes", field);
    }

    [Theory]
    [InlineData(TimeWindow.MinSlotMinutes)]
    [InlineData(TimeWindow.MaxSlotMinutes)]
    public void Slot_length_at_the_limits_is_accepted(int slotMinutes)
    {
        Assert.Empty(new TimeWindow(new LocalTime(8, 0), new LocalTime(16, 0), slotMinutes).Problems());
    }

    [Fact]
    public void Bad_slot_length_and_equal_times_report_both_problems()
    {
        var problems = Window(9, 9, 1).Problems().Select(p => p.Field).ToList();

        Assert.Equal(["SlotMinutes", "End"], problems);
    }

    [Fact]
    public void EnsureValid_throws_with_the_field_of_the_first_problem()
    {
        var ex = Assert.Throws<DomainException>(() => Window(9, 12, 500).EnsureValid());

        Assert.Equal("SlotMinutes", ex.Field);
    }

    [Fact]
    public void Windows_that_touch_do_not_overlap()
    {
        Assert.False(Window(9, 12, 30).Overlaps(Window(12, 15, 30)));
        Assert.False(Window(12, 15, 30).Overlaps(Window(9, 12, 30)));
    }

    [Fact]
    public void Windows_sharing_a_minute_overlap()
    {
        var morning = Window(9, 12, 30);
        var lateMorning = new TimeWindow(new LocalTime(11, 59), new LocalTime(13, 0), 30);

        Assert.True(morning.Overlaps(lateMorning));
        Assert.True(lateMorning.Overlaps(morning));
        Assert.True(Window(8, 18, 30).Overlaps(morning));
    }
}

[NoDatabase]
public class AvailabilityScheduleTests
{
    // 2026-03-09 is a Monday, 2026-03-10 a Tuesday.
    private static readonly LocalDate Monday = new(2026, 3, 9);
    private static readonly LocalDate Tuesday = new(2026, 3, 10);
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 1, 9, 0);
    private static readonly TimeWindow Morning = new(new LocalTime(9, 0), new LocalTime(12, 0), 60);
    private static readonly TimeWindow Afternoon = new(new LocalTime(14, 0), new LocalTime(17, 0), 60);

    private static AvailabilitySchedule NewSchedule(LocalDate? activeFrom = null) =>
        AvailabilitySchedule.Create(Guid.NewGuid(), "Europe/Berlin", activeFrom ?? new LocalDate(2026, 3, 1), 10,
            new Money(12000, "EUR"), Now);

    [Fact]
    public void Create_stores_settings_and_starts_active_with_no_days()
    {
        var schedule = NewSchedule();

        Assert.True(schedule.IsActive);
        Assert.Equal("Europe/Berlin", schedule.TimeZoneId);
        Assert.Equal(DateTimeZoneProviders.Tzdb["Europe/Berlin"], schedule.Zone);
        Assert.Equal(10, schedule.BufferMinutes);
        Assert.Equal(new Money(12000, "EUR"), schedule.DefaultPrice);
        Assert.Equal(WeekdaySet.None, schedule.EnabledDays);
        Assert.Empty(schedule.Windows);
    }

    // --- AddWindow / RemoveWindow ---

    [Fact]
    public void AddWindow_adds_it_and_switches_the_day_on()
    {
        var schedule = NewSchedule();
        var later = Now + Duration.FromMinutes(1);

        var added = schedule.AddWindow(IsoDayOfWeek.Monday, Morning, later);

        Assert.Equal(IsoDayOfWeek.Monday, added.Weekday);
        Assert.Equal(Morning, added.Window);
        Assert.True(schedule.IsDayEnabled(IsoDayOfWeek.Monday));
        Assert.False(schedule.IsDayEnabled(IsoDayOfWeek.Tuesday));
        Assert.Equal(later, schedule.UpdatedAt);
    }

    [Fact]
    public void AddWindow_overlapping_another_on_the_same_weekday_throws_on_Start()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);
        var overlapping = new TimeWindow(new LocalTime(11, 0), new LocalTime(13, 0), 60);

        var ex = Assert.Throws<DomainException>(() => schedule.AddWindow(IsoDayOfWeek.Monday, overlapping, Now));

        Assert.Equal("Start", ex.Field);
        Assert.Equal("This window overlaps 09:00–12:00.", ex.Message);
        Assert.Single(schedule.Windows);
    }

    [Fact]
    public void AddWindow_with_the_same_times_on_the_same_weekday_throws()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);

        Assert.Throws<DomainException>(() => schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now));
    }

    [Fact]
    public void AddWindow_with_the_same_times_on_another_weekday_is_allowed()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);

        schedule.AddWindow(IsoDayOfWeek.Tuesday, Morning, Now);

        Assert.Equal(2, schedule.Windows.Count);
        Assert.Equal(WeekdaySet.Of(IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday), schedule.EnabledDays);
    }

    [Fact]
    public void AddWindow_touching_another_on_the_same_weekday_is_allowed()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);

        schedule.AddWindow(IsoDayOfWeek.Monday, new TimeWindow(new LocalTime(12, 0), new LocalTime(13, 0), 60), Now);

        Assert.Equal(2, schedule.WindowsOn(IsoDayOfWeek.Monday).Count());
    }

    [Fact]
    public void AddWindow_invalid_window_throws_and_leaves_day_off()
    {
        var schedule = NewSchedule();

        var ex = Assert.Throws<DomainException>(() =>
            schedule.AddWindow(IsoDayOfWeek.Monday, new TimeWindow(new LocalTime(12, 0), new LocalTime(12, 0), 60), Now));

        Assert.Equal("End", ex.Field);
        Assert.Empty(schedule.Windows);
        Assert.False(schedule.IsDayEnabled(IsoDayOfWeek.Monday));
    }

    [Fact]
    public void WindowsOn_lists_a_days_windows_by_start_time()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Afternoon, Now);
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);

        Assert.Equal([Morning, Afternoon], schedule.WindowsOn(IsoDayOfWeek.Monday).Select(w => w.Window));
        Assert.Equal([Morning, Afternoon], schedule.WindowsFor(Monday));
    }

    [Fact]
    public void RemoveWindow_removes_it()
    {
        var schedule = NewSchedule();
        var added = schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);

        schedule.RemoveWindow(added.Id, Now);

        Assert.Empty(schedule.Windows);
    }

    [Fact]
    public void RemoveWindow_unknown_id_throws()
    {
        var schedule = NewSchedule();

        Assert.Throws<DomainException>(() => schedule.RemoveWindow(Guid.NewGuid(), Now));
    }

    // --- Exceptions ---

    [Fact]
    public void SetException_available_day_stores_windows_and_trimmed_note()
    {
        var schedule = NewSchedule();

        var exception = schedule.SetException(Monday, true, [Afternoon], "  Short day  ", Now);

        Assert.True(exception.IsAvailable);
        Assert.Equal("Short day", exception.Note);
        Assert.Equal([Afternoon], exception.Windows.Select(w => w.Window));
        Assert.Same(exception, Assert.Single(schedule.Exceptions));
    }

    [Fact]
    public void SetException_day_off_ignores_windows()
    {
        var schedule = NewSchedule();

        var exception = schedule.SetException(Monday, false, [Morning], " ", Now);

        Assert.False(exception.IsAvailable);
        Assert.Empty(exception.Windows);
        Assert.Null(exception.Note);
    }

    [Fact]
    public void SetException_again_for_the_same_date_replaces_it()
    {
        var schedule = NewSchedule();
        schedule.SetException(Monday, false, [], "Holiday", Now);

        schedule.SetException(Monday, true, [Morning], null, Now);

        var exception = Assert.Single(schedule.Exceptions);
        Assert.True(exception.IsAvailable);
    }

    [Fact]
    public void SetException_available_without_windows_throws_on_Windows()
    {
        var schedule = NewSchedule();

        var ex = Assert.Throws<DomainException>(() => schedule.SetException(Monday, true, [], null, Now));

        Assert.Equal("Windows", ex.Field);
        Assert.Empty(schedule.Exceptions);
    }

    [Fact]
    public void SetException_with_overlapping_windows_throws_and_keeps_the_old_exception()
    {
        var schedule = NewSchedule();
        schedule.SetException(Monday, false, [], "Holiday", Now);
        var overlapping = new TimeWindow(new LocalTime(10, 0), new LocalTime(11, 0), 30);

        var ex = Assert.Throws<DomainException>(() => schedule.SetException(Monday, true, [Morning, overlapping], null, Now));

        Assert.Equal("Start", ex.Field);
        Assert.False(Assert.Single(schedule.Exceptions).IsAvailable);
    }

    [Fact]
    public void SetException_with_an_invalid_window_throws()
    {
        var schedule = NewSchedule();
        var tooShort = new TimeWindow(new LocalTime(9, 0), new LocalTime(9, 20), 30);

        var ex = Assert.Throws<DomainException>(() => schedule.SetException(Monday, true, [tooShort], null, Now));

        Assert.Equal("End", ex.Field);
    }

    [Fact]
    public void RemoveException_restores_the_weekly_pattern()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);
        schedule.SetException(Monday, false, [], "Holiday", Now);

        schedule.RemoveException(Monday, Now);

        Assert.Empty(schedule.Exceptions);
        Assert.Equal([Morning], schedule.WindowsFor(Monday));
    }

    [Fact]
    public void RemoveException_for_a_date_without_one_throws()
    {
        var schedule = NewSchedule();

        Assert.Throws<DomainException>(() => schedule.RemoveException(Monday, Now));
    }

    // --- WindowsFor ---

    [Fact]
    public void WindowsFor_a_date_uses_its_weekdays_windows()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);
        schedule.AddWindow(IsoDayOfWeek.Tuesday, Afternoon, Now);

        Assert.Equal([Morning], schedule.WindowsFor(Monday));
        Assert.Equal([Afternoon], schedule.WindowsFor(Tuesday));
        Assert.Equal([Morning], schedule.WindowsFor(Monday.PlusWeeks(1)));
    }

    [Fact]
    public void WindowsFor_a_weekday_without_windows_is_empty()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);

        Assert.Empty(schedule.WindowsFor(Tuesday));
    }

    [Fact]
    public void WindowsFor_an_available_exception_overrides_the_weekday_sorted_by_start()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);
        var evening = new TimeWindow(new LocalTime(18, 0), new LocalTime(20, 0), 30);
        schedule.SetException(Monday, true, [evening, Afternoon], null, Now);

        Assert.Equal([Afternoon, evening], schedule.WindowsFor(Monday));
        Assert.Equal([Morning], schedule.WindowsFor(Monday.PlusWeeks(1)));
    }

    [Fact]
    public void WindowsFor_a_day_off_exception_is_empty()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);
        schedule.SetException(Monday, false, [], "Public holiday", Now);

        Assert.Empty(schedule.WindowsFor(Monday));
    }

    [Fact]
    public void WindowsFor_a_disabled_weekday_is_empty_but_its_windows_are_kept()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);

        schedule.SetDayEnabled(IsoDayOfWeek.Monday, false, Now);

        Assert.Empty(schedule.WindowsFor(Monday));
        Assert.Single(schedule.WindowsOn(IsoDayOfWeek.Monday));

        schedule.SetDayEnabled(IsoDayOfWeek.Monday, true, Now);
        Assert.Equal([Morning], schedule.WindowsFor(Monday));
    }

    [Fact]
    public void WindowsFor_an_available_exception_on_a_disabled_weekday_uses_the_exception()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);
        schedule.SetDayEnabled(IsoDayOfWeek.Monday, false, Now);
        schedule.SetException(Monday, true, [Afternoon], null, Now);

        Assert.Equal([Afternoon], schedule.WindowsFor(Monday));
    }

    [Fact]
    public void WindowsFor_dates_before_ActiveFrom_is_empty()
    {
        var schedule = NewSchedule(activeFrom: Tuesday);
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);
        schedule.SetException(Monday, true, [Afternoon], null, Now);

        Assert.Empty(schedule.WindowsFor(Monday));
        Assert.Equal([Morning], schedule.WindowsFor(Monday.PlusWeeks(1)));
    }

    [Fact]
    public void WindowsFor_on_ActiveFrom_itself_applies()
    {
        var schedule = NewSchedule(activeFrom: Monday);
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);

        Assert.Equal([Morning], schedule.WindowsFor(Monday));
    }

    [Fact]
    public void WindowsFor_an_inactive_schedule_is_empty()
    {
        var schedule = NewSchedule();
        schedule.AddWindow(IsoDayOfWeek.Monday, Morning, Now);

        schedule.SetActive(false, Now);

        Assert.Empty(schedule.WindowsFor(Monday));
    }

    // --- UpdateSettings ---

    [Fact]
    public void UpdateSettings_stores_new_values()
    {
        var schedule = NewSchedule();
        var later = Now + Duration.FromHours(1);

        schedule.UpdateSettings(" America/New_York ", Tuesday, AvailabilitySchedule.MaxBufferMinutes, new Money(500, "usd"), later);

        Assert.Equal("America/New_York", schedule.TimeZoneId);
        Assert.Equal(Tuesday, schedule.ActiveFrom);
        Assert.Equal(AvailabilitySchedule.MaxBufferMinutes, schedule.BufferMinutes);
        Assert.Equal(new Money(500, "USD"), schedule.DefaultPrice);
        Assert.Equal(later, schedule.UpdatedAt);
    }

    [Fact]
    public void UpdateSettings_unknown_zone_throws_on_TimeZone_and_changes_nothing()
    {
        var schedule = NewSchedule();

        var ex = Assert.Throws<DomainException>(() =>
            schedule.UpdateSettings("Europe/Atlantis", Tuesday, 15, new Money(500, "USD"), Now));

        Assert.Equal("TimeZone", ex.Field);
        Assert.Equal("Europe/Berlin", schedule.TimeZoneId);
        Assert.Equal(10, schedule.BufferMinutes);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(AvailabilitySchedule.MaxBufferMinutes + 1)]
    public void UpdateSettings_buffer_outside_0_to_240_throws_on_BufferMinutes(int buffer)
    {
        var schedule = NewSchedule();

        var ex = Assert.Throws<DomainException>(() =>
            schedule.UpdateSettings("Europe/Berlin", Tuesday, buffer, new Money(500, "USD"), Now));

        Assert.Equal("BufferMinutes", ex.Field);
        Assert.Equal(10, schedule.BufferMinutes);
    }

    [Fact]
    public void Create_with_unknown_zone_throws_on_TimeZone()
    {
        var ex = Assert.Throws<DomainException>(() =>
            AvailabilitySchedule.Create(Guid.NewGuid(), "Nowhere/Special", Monday, 0, new Money(0, "USD"), Now));

        Assert.Equal("TimeZone", ex.Field);
    }
}

[NoDatabase]
public class WeekdaySetTests
{
    [Fact]
    public void None_contains_no_day()
    {
        foreach (var day in AllDays()) Assert.False(WeekdaySet.None.Contains(day));
    }

    [Fact]
    public void Weekdays_contains_monday_to_friday_only()
    {
        var set = WeekdaySet.Weekdays;

        Assert.Equal(
            [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday],
            AllDays().Where(set.Contains));
    }

    [Fact]
    public void Monday_is_bit_0_and_Sunday_is_bit_6()
    {
        Assert.Equal(1, WeekdaySet.None.With(IsoDayOfWeek.Monday).Mask);
        Assert.Equal(64, WeekdaySet.None.With(IsoDayOfWeek.Sunday).Mask);
        Assert.Equal(127, WeekdaySet.Of(AllDays().ToArray()).Mask);
    }

    [Fact]
    public void With_and_Without_add_and_remove_one_day()
    {
        var set = WeekdaySet.Of(IsoDayOfWeek.Saturday).With(IsoDayOfWeek.Sunday).Without(IsoDayOfWeek.Saturday);

        Assert.Equal(WeekdaySet.Of(IsoDayOfWeek.Sunday), set);
    }

    [Fact]
    public void With_is_idempotent_and_Without_an_absent_day_changes_nothing()
    {
        var set = WeekdaySet.Of(IsoDayOfWeek.Monday);

        Assert.Equal(set, set.With(IsoDayOfWeek.Monday));
        Assert.Equal(set, set.Without(IsoDayOfWeek.Friday));
    }

    [Fact]
    public void IsoDayOfWeek_None_is_not_a_weekday()
    {
        Assert.Throws<DomainException>(() => WeekdaySet.None.With(IsoDayOfWeek.None));
    }

    private static IEnumerable<IsoDayOfWeek> AllDays() =>
        Enumerable.Range(1, 7).Select(d => (IsoDayOfWeek)d);
}

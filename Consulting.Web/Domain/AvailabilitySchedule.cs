using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>
/// A wall-clock window on one day, e.g. 09:00–12:00 cut into 45-minute slots, optionally at its own
/// price (minor units of the schedule's currency; null: the schedule's default price). Times are the
/// specialist's local times; instants are only worked out by slot generation.
/// </summary>
/// <remarks>
/// An end at or before the start runs past midnight into the next day: 23:00–00:00 ends at midnight
/// ("24:00"), 22:00–02:00 ends at 02:00 the next day, 00:00–00:00 is the whole day. The window
/// belongs to the day it starts on.
/// </remarks>
public readonly record struct TimeWindow(LocalTime Start, LocalTime End, int SlotMinutes, long? PriceMinor = null)
{
    public const int MinSlotMinutes = 5;
    public const int MaxSlotMinutes = 480;

    /// <summary>The end is on the next day (including an end at midnight, "24:00").</summary>
    public bool EndsNextDay => End <= Start;

    /// <summary>Runs past midnight to a time after 00:00 on the next day (22:00–02:00).</summary>
    public bool CrossesMidnight => EndsNextDay && End != LocalTime.Midnight;

    /// <summary>Ticks from the listed day's midnight to the start.</summary>
    public long StartTick => Start.TickOfDay;

    /// <summary>Ticks from the listed day's midnight to the end: past a day's worth when it ends the next day.</summary>
    public long EndTick => End.TickOfDay + (EndsNextDay ? NodaConstants.TicksPerDay : 0);

    /// <summary>Why this window can't be used, with the form field each message belongs to.</summary>
    public IEnumerable<(string Field, string Message)> Problems()
    {
        var lengthOk = SlotMinutes is >= MinSlotMinutes and <= MaxSlotMinutes;
        if (!lengthOk)
            yield return ("SlotMinutes", $"Slot length must be between {MinSlotMinutes} and {MaxSlotMinutes} minutes.");
        // Equal times would be a 24-hour window; only 00:00–24:00 (the whole day) is taken as one.
        if (End == Start && Start != LocalTime.Midnight)
            yield return ("End", "The end must be after the start.");
        else if (lengthOk && EndTick - StartTick < SlotMinutes * NodaConstants.TicksPerMinute)
            yield return ("End", $"The window is shorter than one {SlotMinutes}-minute slot.");
        if (PriceMinor is < 0)
            yield return ("Price", "Enter a price of zero or more, or leave it empty for your default price.");
    }

    public void EnsureValid()
    {
        foreach (var (field, message) in Problems()) throw new DomainException(message, field);
    }

    public bool Overlaps(TimeWindow other) => Overlaps(other, 0);

    /// <summary>Whether the two overlap when <paramref name="other"/> is listed <paramref name="otherDaysLater"/> days later.</summary>
    public bool Overlaps(TimeWindow other, int otherDaysLater)
    {
        var shift = otherDaysLater * NodaConstants.TicksPerDay;
        return StartTick < other.EndTick + shift && other.StartTick + shift < EndTick;
    }

    public override string ToString() =>
        $"{Start:HH:mm}–{(End == LocalTime.Midnight ? "24:00" : End.ToString("HH:mm", null))}{(CrossesMidnight ? " next day" : "")} ({SlotMinutes} min)";
}

/// <summary>A window of the weekly pattern.</summary>
public sealed class WeeklyWindow
{
    public Guid Id { get; private set; }
    public IsoDayOfWeek Weekday { get; private set; }
    public LocalTime Start { get; private set; }
    public LocalTime End { get; private set; }
    public int SlotMinutes { get; private set; }
    /// <summary>Minor units of the schedule's currency; null: the schedule's default price.</summary>
    public long? PriceMinor { get; private set; }
    public TimeWindow Window => new(Start, End, SlotMinutes, PriceMinor);

    private WeeklyWindow() { }

    internal WeeklyWindow(IsoDayOfWeek weekday, TimeWindow window)
    {
        Id = Guid.NewGuid();
        Weekday = weekday;
        (Start, End, SlotMinutes, PriceMinor) = (window.Start, window.End, window.SlotMinutes, window.PriceMinor);
    }

    internal void ClearPrice() => PriceMinor = null;
}

/// <summary>A date that doesn't follow the weekly pattern: a day off, or a day with its own windows.</summary>
public sealed class DateException
{
    private readonly List<ExceptionWindow> _windows = [];

    public Guid Id { get; private set; }
    public LocalDate Date { get; private set; }
    public bool IsAvailable { get; private set; }
    public string? Note { get; private set; }
    public IReadOnlyList<ExceptionWindow> Windows => _windows;

    private DateException() { }

    internal DateException(LocalDate date, bool isAvailable, IEnumerable<TimeWindow> windows, string? note)
    {
        Id = Guid.NewGuid();
        Date = date;
        IsAvailable = isAvailable;
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (isAvailable) _windows.AddRange(windows.Select(w => new ExceptionWindow(w)));
    }
}

public sealed class ExceptionWindow
{
    public Guid Id { get; private set; }
    public LocalTime Start { get; private set; }
    public LocalTime End { get; private set; }
    public int SlotMinutes { get; private set; }
    /// <summary>Minor units of the schedule's currency; null: the schedule's default price.</summary>
    public long? PriceMinor { get; private set; }
    public TimeWindow Window => new(Start, End, SlotMinutes, PriceMinor);

    private ExceptionWindow() { }

    internal ExceptionWindow(TimeWindow window)
    {
        Id = Guid.NewGuid();
        (Start, End, SlotMinutes, PriceMinor) = (window.Start, window.End, window.SlotMinutes, window.PriceMinor);
    }

    internal void ClearPrice() => PriceMinor = null;
}

/// <summary>
/// A specialist's availability: zone, weekly pattern, buffer, default price, booking rules and date
/// exceptions.
/// </summary>
public sealed class AvailabilitySchedule
{
    public const int MaxBufferMinutes = 240;
    public const int MaxNoticeMinutes = 30 * 24 * 60;
    public const int MaxHorizonDays = 365;
    public const int MaxSessionsPerDayLimit = 96;

    private readonly List<WeeklyWindow> _windows = [];
    private readonly List<DateException> _exceptions = [];

    public Guid Id { get; private set; }
    public Guid SpecialistId { get; private set; }
    public string TimeZoneId { get; private set; } = "UTC";
    public LocalDate ActiveFrom { get; private set; }
    public int BufferMinutes { get; private set; }
    public long DefaultPriceMinor { get; private set; }
    public string Currency { get; private set; } = "USD";
    public bool IsActive { get; private set; }
    /// <summary>Weekdays switched on; a switched-off day keeps its windows for later.</summary>
    public WeekdaySet EnabledDays { get; private set; }
    /// <summary>Null: the site's default (<c>Booking:MinimumNoticeMinutes</c>).</summary>
    public int? MinimumNoticeMinutes { get; private set; }
    /// <summary>How many days ahead customers may book; null: the site's default (<c>Scheduling:HorizonDays</c>).</summary>
    public int? HorizonDays { get; private set; }
    /// <summary>At most this many sessions (held or booked) start on one day; null: no cap.</summary>
    public int? MaxSessionsPerDay { get; private set; }
    public Instant UpdatedAt { get; private set; }

    public IReadOnlyList<WeeklyWindow> Windows => _windows;
    public IReadOnlyList<DateException> Exceptions => _exceptions;
    public Money DefaultPrice => new(DefaultPriceMinor, Currency);
    public DateTimeZone Zone => TimeZones.Get(TimeZoneId);

    private AvailabilitySchedule() { }

    public static AvailabilitySchedule Create(Guid specialistId, string timeZoneId, LocalDate activeFrom,
        int bufferMinutes, Money defaultPrice, Instant now)
    {
        var schedule = new AvailabilitySchedule { Id = Guid.NewGuid(), SpecialistId = specialistId, IsActive = true };
        schedule.UpdateSettings(timeZoneId, activeFrom, bufferMinutes, defaultPrice, now);
        return schedule;
    }

    /// <summary>
    /// Window prices are amounts of the schedule's currency, so a new currency clears them (the
    /// windows then charge the new default price); returns whether it did.
    /// </summary>
    public bool UpdateSettings(string timeZoneId, LocalDate activeFrom, int bufferMinutes, Money defaultPrice, Instant now)
    {
        if (bufferMinutes is < 0 or > MaxBufferMinutes)
            throw new DomainException($"Buffer must be between 0 and {MaxBufferMinutes} minutes.", "BufferMinutes");
        TimeZoneId = TimeZones.Require(timeZoneId);
        ActiveFrom = activeFrom;
        BufferMinutes = bufferMinutes;
        var clearedPrices = false;
        if (defaultPrice.Currency != Currency && HasWindowPrices)
        {
            foreach (var w in _windows) w.ClearPrice();
            foreach (var w in _exceptions.SelectMany(e => e.Windows)) w.ClearPrice();
            clearedPrices = true;
        }
        DefaultPriceMinor = defaultPrice.Minor;
        Currency = defaultPrice.Currency;
        UpdatedAt = now;
        return clearedPrices;
    }

    public bool HasWindowPrices =>
        _windows.Any(w => w.PriceMinor is not null) || _exceptions.SelectMany(e => e.Windows).Any(w => w.PriceMinor is not null);

    /// <summary>Sets the booking rules; a null keeps (or returns to) the site's default, or no cap.</summary>
    public void SetBookingRules(int? minimumNoticeMinutes, int? horizonDays, int? maxSessionsPerDay, Instant now)
    {
        if (minimumNoticeMinutes is < 0 or > MaxNoticeMinutes)
            throw new DomainException($"Minimum notice must be between 0 and {MaxNoticeMinutes / 60} hours.", "MinimumNoticeHours");
        if (horizonDays is < 1 or > MaxHorizonDays)
            throw new DomainException($"Customers can book between 1 and {MaxHorizonDays} days ahead.", "HorizonDays");
        if (maxSessionsPerDay is < 1 or > MaxSessionsPerDayLimit)
            throw new DomainException($"The daily cap must be between 1 and {MaxSessionsPerDayLimit} sessions, or empty for none.", "MaxSessionsPerDay");
        if (minimumNoticeMinutes is { } notice && horizonDays is { } days && notice >= days * 24 * 60)
            throw new DomainException("The booking window must be longer than the minimum notice, or nothing could be booked.", "HorizonDays");
        (MinimumNoticeMinutes, HorizonDays, MaxSessionsPerDay) = (minimumNoticeMinutes, horizonDays, maxSessionsPerDay);
        UpdatedAt = now;
    }

    /// <summary>This schedule's booking rules, the site's defaults filling what it doesn't set.</summary>
    public BookingRules RulesOver(BookingRules siteDefaults) => new(
        MinimumNoticeMinutes is { } m ? Duration.FromMinutes(m) : siteDefaults.MinimumNotice,
        HorizonDays ?? siteDefaults.HorizonDays,
        MaxSessionsPerDay);

    public void SetActive(bool active, Instant now)
    {
        IsActive = active;
        UpdatedAt = now;
    }

    public bool IsDayEnabled(IsoDayOfWeek day) => EnabledDays.Contains(day);

    public void SetDayEnabled(IsoDayOfWeek day, bool enabled, Instant now)
    {
        EnabledDays = enabled ? EnabledDays.With(day) : EnabledDays.Without(day);
        UpdatedAt = now;
    }

    public IEnumerable<WeeklyWindow> WindowsOn(IsoDayOfWeek day) =>
        _windows.Where(w => w.Weekday == day).OrderBy(w => w.Start);

    /// <summary>
    /// Adds a window; it may not overlap the day's other windows, nor (running past midnight) the
    /// next day's, nor the previous day's windows that run into this day.
    /// </summary>
    public WeeklyWindow AddWindow(IsoDayOfWeek day, TimeWindow window, Instant now)
    {
        window.EnsureValid();
        EnsureNoOverlap(window, WindowsOn(day).Select(w => w.Window), 0, null);
        EnsureNoOverlap(window, WindowsOn(Next(day)).Select(w => w.Window), 1, $"{Next(day)}'s ");
        EnsureNoOverlap(window, WindowsOn(Previous(day)).Select(w => w.Window), -1, $"{Previous(day)}'s ");
        var added = new WeeklyWindow(day, window);
        _windows.Add(added);
        EnabledDays = EnabledDays.With(day);
        UpdatedAt = now;
        return added;
    }

    public void RemoveWindow(Guid windowId, Instant now)
    {
        var window = _windows.FirstOrDefault(w => w.Id == windowId)
            ?? throw new DomainException("That window is no longer part of the schedule.");
        _windows.Remove(window);
        UpdatedAt = now;
    }

    /// <summary>
    /// Adds or replaces the exception for a date. A day off means no slot starts that day, not even
    /// one of the previous evening's window that runs past midnight.
    /// </summary>
    public DateException SetException(LocalDate date, bool isAvailable, IReadOnlyList<TimeWindow> windows, string? note, Instant now)
    {
        if (isAvailable)
        {
            if (windows.Count == 0)
                throw new DomainException("An available date needs at least one window.", "Windows");
            var accepted = new List<TimeWindow>();
            foreach (var window in windows)
            {
                window.EnsureValid();
                EnsureNoOverlap(window, accepted, 0, null);
                EnsureNoOverlap(window, WindowsFor(date.PlusDays(1)), 1, $"{date.PlusDays(1):ddd d MMM}'s ");
                EnsureNoOverlap(window, WindowsFor(date.PlusDays(-1)), -1, $"{date.PlusDays(-1):ddd d MMM}'s ");
                accepted.Add(window);
            }
        }
        _exceptions.RemoveAll(e => e.Date == date);
        var exception = new DateException(date, isAvailable, windows, note);
        _exceptions.Add(exception);
        UpdatedAt = now;
        return exception;
    }

    public void RemoveException(LocalDate date, Instant now)
    {
        if (_exceptions.RemoveAll(e => e.Date == date) == 0)
            throw new DomainException("There is no exception on that date.");
        UpdatedAt = now;
    }

    /// <summary>The windows that apply on a date: its exception if it has one, else the weekday's.</summary>
    public IReadOnlyList<TimeWindow> WindowsFor(LocalDate date)
    {
        if (!IsActive || date < ActiveFrom) return [];
        var exception = _exceptions.FirstOrDefault(e => e.Date == date);
        if (exception is not null)
            return exception.IsAvailable ? exception.Windows.Select(w => w.Window).OrderBy(w => w.Start).ToList() : [];
        return IsDayEnabled(date.DayOfWeek) ? WindowsOn(date.DayOfWeek).Select(w => w.Window).ToList() : [];
    }

    /// <summary>A date marked as a day off: no slot starts on it.</summary>
    public bool IsDayOff(LocalDate date) => _exceptions.Any(e => e.Date == date && !e.IsAvailable);

    /// <summary>What a window charges: its own price, or the schedule's default.</summary>
    public Money PriceOf(TimeWindow window) => window.PriceMinor is { } minor ? new Money(minor, Currency) : DefaultPrice;

    private static void EnsureNoOverlap(TimeWindow window, IEnumerable<TimeWindow> others, int othersDaysLater, string? whose)
    {
        foreach (var other in others)
        {
            if (!window.Overlaps(other, othersDaysLater)) continue;
            var end = other.End == LocalTime.Midnight ? "24:00" : other.End.ToString("HH:mm", null);
            throw new DomainException($"This window overlaps {whose}{other.Start:HH:mm}–{end}.", "Start");
        }
    }

    private static IsoDayOfWeek Next(IsoDayOfWeek day) => day == IsoDayOfWeek.Sunday ? IsoDayOfWeek.Monday : day + 1;

    private static IsoDayOfWeek Previous(IsoDayOfWeek day) => day == IsoDayOfWeek.Monday ? IsoDayOfWeek.Sunday : day - 1;
}

/// <summary>A set of ISO weekdays stored as a 7-bit mask (Monday = bit 0).</summary>
public readonly record struct WeekdaySet(int Mask)
{
    public static WeekdaySet None => new(0);
    public static WeekdaySet Weekdays => new(0b0011111);

    public bool Contains(IsoDayOfWeek day) => (Mask & Bit(day)) != 0;
    public WeekdaySet With(IsoDayOfWeek day) => new(Mask | Bit(day));
    public WeekdaySet Without(IsoDayOfWeek day) => new(Mask & ~Bit(day));

    public static WeekdaySet Of(params IsoDayOfWeek[] days) => days.Aggregate(None, (set, d) => set.With(d));

    private static int Bit(IsoDayOfWeek day) => day is >= IsoDayOfWeek.Monday and <= IsoDayOfWeek.Sunday
        ? 1 << ((int)day - 1)
        : throw new DomainException("Not a weekday.");
}

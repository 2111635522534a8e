using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>
/// A wall-clock window on one day, e.g. 09:00–12:00 cut into 45-minute slots. Times are the
/// specialist's local times; instants are only worked out by slot generation.
/// </summary>
public readonly record struct TimeWindow(LocalTime Start, LocalTime End, int SlotMinutes)
{
    public const int MinSlotMinutes = 5;
    public const int MaxSlotMinutes = 480;

    /// <summary>Why this window can't be used, with the form field each message belongs to.</summary>
    public IEnumerable<(string Field, string Message)> Problems()
    {
        if (SlotMinutes is < MinSlotMinutes or > MaxSlotMinutes)
            yield return ("SlotMinutes", $"Slot length must be between {MinSlotMinutes} and {MaxSlotMinutes} minutes.");
        if (End <= Start)
            yield return ("End", "The end must be after the start.");
        else if (SlotMinutes is >= MinSlotMinutes and <= MaxSlotMinutes && Period.Between(Start, End, PeriodUnits.Minutes).Minutes < SlotMinutes)
            yield return ("End", $"The window is shorter than one {SlotMinutes}-minute slot.");
    }

    public void EnsureValid()
    {
        foreach (var (field, message) in Problems()) throw new DomainException(message, field);
    }

    public bool Overlaps(TimeWindow other) => Start < other.End && other.Start < End;

    public override string ToString() => $"{Start:HH:mm}–{End:HH:mm} ({SlotMinutes} min)";
}

/// <summary>A window of the weekly pattern.</summary>
public sealed class WeeklyWindow
{
    public Guid Id { get; private set; }
    public IsoDayOfWeek Weekday { get; private set; }
    public LocalTime Start { get; private set; }
    public LocalTime End { get; private set; }
    public int SlotMinutes { get; private set; }
    public TimeWindow Window => new(Start, End, SlotMinutes);

    private WeeklyWindow() { }

    internal WeeklyWindow(IsoDayOfWeek weekday, TimeWindow window)
    {
        Id = Guid.NewGuid();
        Weekday = weekday;
        (Start, End, SlotMinutes) = (window.Start, window.End, window.SlotMinutes);
    }
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
    public TimeWindow Window => new(Start, End, SlotMinutes);

    private ExceptionWindow() { }

    internal ExceptionWindow(TimeWindow window)
    {
        Id = Guid.NewGuid();
        (Start, End, SlotMinutes) = (window.Start, window.End, window.SlotMinutes);
    }
}

/// <summary>
/// A specialist's availability: zone, weekly pattern, buffer, default price and date exceptions.
/// </summary>
public sealed class AvailabilitySchedule
{
    public const int MaxBufferMinutes = 240;

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

    public void UpdateSettings(string timeZoneId, LocalDate activeFrom, int bufferMinutes, Money defaultPrice, Instant now)
    {
        if (bufferMinutes is < 0 or > MaxBufferMinutes)
            throw new DomainException($"Buffer must be between 0 and {MaxBufferMinutes} minutes.", "BufferMinutes");
        TimeZoneId = TimeZones.Require(timeZoneId);
        ActiveFrom = activeFrom;
        BufferMinutes = bufferMinutes;
        DefaultPriceMinor = defaultPrice.Minor;
        Currency = defaultPrice.Currency;
        UpdatedAt = now;
    }

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

    public WeeklyWindow AddWindow(IsoDayOfWeek day, TimeWindow window, Instant now)
    {
        window.EnsureValid();
        EnsureNoOverlap(window, WindowsOn(day).Select(w => w.Window));
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

    /// <summary>Adds or replaces the exception for a date.</summary>
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
                EnsureNoOverlap(window, accepted);
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

    private static void EnsureNoOverlap(TimeWindow window, IEnumerable<TimeWindow> others)
    {
        var clash = others.Where(window.Overlaps).Select(o => (TimeWindow?)o).FirstOrDefault();
        if (clash is { } c) throw new DomainException($"This window overlaps {c.Start:HH:mm}–{c.End:HH:mm}.", "Start");
    }
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

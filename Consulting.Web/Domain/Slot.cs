using NodaTime;

namespace Consulting.Web.Domain;

public enum SlotState
{
    Available = 0,
    /// <summary>A checkout is in progress; the hold ends at <see cref="Slot.HeldUntil"/>.</summary>
    Held = 1,
    Booked = 2,
    Blocked = 3,
}

/// <summary>
/// Why a slot no longer fits its specialist's availability (set by slot generation). A free slot
/// with a reason is not offered; a held, booked or blocked one is a conflict the specialist sees.
/// </summary>
public enum SlotUnavailability
{
    None = 0,
    /// <summary>The schedule no longer has this slot (hours, exceptions or settings changed).</summary>
    OutsideHours = 1,
    /// <summary>One of the specialist's own calendars is busy then (see <see cref="BusyPeriod"/>).</summary>
    Busy = 2,
}

/// <summary>
/// A concrete bookable time: a UTC start and end, plus the specialist's zone for display.
/// Holding, booking and releasing race with other requests, so the data layer performs those as
/// conditional writes that mirror the guards here (STYLE rule 7).
/// </summary>
public sealed class Slot
{
    public const int MaxBlockReasonLength = 200;
    /// <summary>Database-computed End − Start in ticks (no CLR property: it is derived).</summary>
    public const string LengthTicksColumn = "LengthTicks";

    public Guid Id { get; private set; }
    public Guid SpecialistId { get; private set; }
    public Instant Start { get; private set; }
    public Instant End { get; private set; }
    public string TimeZoneId { get; private set; } = "UTC";
    public long PriceMinor { get; private set; }
    public string Currency { get; private set; } = "USD";
    public SlotState State { get; private set; }
    public string? BlockReason { get; private set; }
    public Instant? HeldUntil { get; private set; }
    public Guid? BookingId { get; private set; }
    public Instant CreatedAt { get; private set; }
    /// <summary>The start's date in the specialist's zone: the day a daily cap counts it on.</summary>
    public LocalDate? Day { get; private set; }
    public SlotUnavailability Unavailability { get; private set; }

    public Money Price => new(PriceMinor, Currency);
    public Duration Length => End - Start;

    private Slot() { }

    public static Slot Create(Guid specialistId, Instant start, Instant end, string timeZoneId, Money price, Instant now)
    {
        if (end <= start) throw new DomainException("A slot must end after it starts.");
        var zone = TimeZones.Require(timeZoneId);
        return new Slot
        {
            Id = Guid.NewGuid(),
            SpecialistId = specialistId,
            Start = start,
            End = end,
            TimeZoneId = zone,
            Day = start.InZone(TimeZones.Get(zone)).Date,
            PriceMinor = price.Minor,
            Currency = price.Currency,
            State = SlotState.Available,
            CreatedAt = now,
        };
    }

    // Which free slots are offered, and so may be held, is one SQL condition (Scheduling/OfferRules)
    // that the lists of open slots select with and the hold writers' conditional UPDATE decides with:
    // a race is decided by the database, so there is no C# copy of that rule here.

    /// <summary>Paid: held for this booking, or (a late payment) still free.</summary>
    public void Book(Guid bookingId)
    {
        var heldForThis = State == SlotState.Held && BookingId == bookingId;
        if (!heldForThis && State != SlotState.Available)
            throw new DomainException("This time is no longer free.");
        State = SlotState.Booked;
        BookingId = bookingId;
        HeldUntil = null;
    }

    /// <summary>Frees a slot held or booked by this booking (hold expired, cancelled, rescheduled away).</summary>
    public void Release(Guid bookingId)
    {
        if (State is not (SlotState.Held or SlotState.Booked) || BookingId != bookingId)
            throw new DomainException("This slot isn't held or booked by that booking.");
        State = SlotState.Available;
        BookingId = null;
        HeldUntil = null;
    }

    public void Block(string reason)
    {
        var why = (reason ?? "").Trim();
        if (why.Length == 0) throw new DomainException("Say why the slot is blocked.", "Reason");
        PlainText.RequireSingleLine(why, "Reason");
        if (why.Length > MaxBlockReasonLength)
            throw new DomainException($"The reason must be at most {MaxBlockReasonLength} characters.", "Reason");
        if (State != SlotState.Available) throw new DomainException("Only a free slot can be blocked.");
        State = SlotState.Blocked;
        BlockReason = why;
    }

    public void Unblock()
    {
        if (State != SlotState.Blocked) throw new DomainException("This slot isn't blocked.");
        State = SlotState.Available;
        BlockReason = null;
    }
}

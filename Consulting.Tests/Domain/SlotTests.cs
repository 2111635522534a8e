using Consulting.Tests.Support;
using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Domain;

[NoDatabase]
public class SlotTests
{
    private static readonly Instant Start = Instant.FromUtc(2026, 3, 10, 15, 0);
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 1, 9, 0);
    private static readonly Instant HoldUntil = Now + Duration.FromMinutes(15);
    private static readonly Guid BookingA = Guid.NewGuid();
    private static readonly Guid BookingB = Guid.NewGuid();

    private static Slot NewSlot() =>
        Slot.Create(Guid.NewGuid(), Start, Start + Duration.FromMinutes(60), "Europe/Berlin", new Money(9900, "usd"), Now);

    private static Slot HeldBy(Guid bookingId)
    {
        var slot = NewSlot();
        slot.MarkHeld(bookingId, HoldUntil);
        return slot;
    }

    private static Slot BookedBy(Guid bookingId)
    {
        var slot = HeldBy(bookingId);
        slot.Book(bookingId);
        return slot;
    }

    private static Slot Blocked()
    {
        var slot = NewSlot();
        slot.Block("Dentist");
        return slot;
    }

    // --- Create ---

    [Fact]
    public void Create_makes_an_available_slot_with_normalized_price()
    {
        var slot = NewSlot();

        Assert.Equal(SlotState.Available, slot.State);
        Assert.Equal(Duration.FromHours(1), slot.Length);
        Assert.Equal(new Money(9900, "USD"), slot.Price);
        Assert.Equal("Europe/Berlin", slot.TimeZoneId);
        Assert.Null(slot.BookingId);
        Assert.Null(slot.HeldUntil);
    }

    [Fact]
    public void Create_with_end_not_after_start_throws()
    {
        Assert.Throws<DomainException>(() =>
            Slot.Create(Guid.NewGuid(), Start, Start, "UTC", new Money(100, "USD"), Now));
    }

    [Fact]
    public void Create_with_unknown_zone_throws_on_TimeZone()
    {
        var ex = Assert.Throws<DomainException>(() =>
            Slot.Create(Guid.NewGuid(), Start, Start + Duration.FromHours(1), "Europe/Atlantis", new Money(100, "USD"), Now));

        Assert.Equal("TimeZone", ex.Field);
    }

    // --- Book ---

    [Fact]
    public void Book_by_the_holding_booking_books_and_clears_hold_end()
    {
        var slot = HeldBy(BookingA);

        slot.Book(BookingA);

        Assert.Equal(SlotState.Booked, slot.State);
        Assert.Equal(BookingA, slot.BookingId);
        Assert.Null(slot.HeldUntil);
    }

    [Fact]
    public void Book_free_slot_for_a_late_payment_books_it()
    {
        var slot = NewSlot();

        slot.Book(BookingA);

        Assert.Equal(SlotState.Booked, slot.State);
        Assert.Equal(BookingA, slot.BookingId);
    }

    [Fact]
    public void Book_slot_held_by_another_booking_throws()
    {
        var slot = HeldBy(BookingA);

        var ex = Assert.Throws<DomainException>(() => slot.Book(BookingB));

        Assert.Equal("This time is no longer free.", ex.Message);
        Assert.Equal(SlotState.Held, slot.State);
        Assert.Equal(BookingA, slot.BookingId);
    }

    [Fact]
    public void Book_slot_booked_by_another_booking_throws()
    {
        var slot = BookedBy(BookingA);

        Assert.Throws<DomainException>(() => slot.Book(BookingB));
        Assert.Equal(BookingA, slot.BookingId);
    }

    [Fact]
    public void Book_slot_already_booked_by_the_same_booking_throws()
    {
        var slot = BookedBy(BookingA);

        Assert.Throws<DomainException>(() => slot.Book(BookingA));
    }

    [Fact]
    public void Book_blocked_slot_throws()
    {
        var slot = Blocked();

        Assert.Throws<DomainException>(() => slot.Book(BookingA));
    }

    // --- Release ---

    [Fact]
    public void Release_by_the_holding_booking_frees_the_slot()
    {
        var slot = HeldBy(BookingA);

        slot.Release(BookingA);

        Assert.Equal(SlotState.Available, slot.State);
        Assert.Null(slot.BookingId);
        Assert.Null(slot.HeldUntil);
    }

    [Fact]
    public void Release_by_the_booking_booking_frees_the_slot()
    {
        var slot = BookedBy(BookingA);

        slot.Release(BookingA);

        Assert.Equal(SlotState.Available, slot.State);
        Assert.Null(slot.BookingId);
    }

    [Fact]
    public void Release_by_another_booking_throws()
    {
        var slot = HeldBy(BookingA);

        Assert.Throws<DomainException>(() => slot.Release(BookingB));
        Assert.Equal(SlotState.Held, slot.State);
        Assert.Equal(BookingA, slot.BookingId);
    }

    [Fact]
    public void Release_booked_slot_by_another_booking_throws()
    {
        var slot = BookedBy(BookingA);

        Assert.Throws<DomainException>(() => slot.Release(BookingB));
        Assert.Equal(SlotState.Booked, slot.State);
    }

    [Fact]
    public void Release_free_slot_throws()
    {
        var slot = NewSlot();

        Assert.Throws<DomainException>(() => slot.Release(BookingA));
    }

    [Fact]
    public void Release_blocked_slot_throws()
    {
        var slot = Blocked();

        Assert.Throws<DomainException>(() => slot.Release(BookingA));
        Assert.Equal(SlotState.Blocked, slot.State);
    }

    // --- Block / Unblock ---

    [Fact]
    public void Block_free_slot_stores_trimmed_reason()
    {
        var slot = NewSlot();

        slot.Block("  Conference  ");

        Assert.Equal(SlotState.Blocked, slot.State);
        Assert.Equal("Conference", slot.BlockReason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Block_without_reason_throws_on_Reason(string? reason)
    {
        var slot = NewSlot();

        var ex = Assert.Throws<DomainException>(() => slot.Block(reason!));

        Assert.Equal("Reason", ex.Field);
        Assert.Equal(SlotState.Available, slot.State);
    }

    [Fact]
    public void Block_with_reason_of_exactly_200_characters_is_accepted()
    {
        var slot = NewSlot();

        slot.Block(new string('r', Slot.MaxBlockReasonLength));

        Assert.Equal(SlotState.Blocked, slot.State);
    }

    [Fact]
    public void Block_with_reason_over_200_characters_throws_on_Reason()
    {
        var slot = NewSlot();

        var ex = Assert.Throws<DomainException>(() => slot.Block(new string('r', Slot.MaxBlockReasonLength + 1)));

        Assert.Equal("Reason", ex.Field);
        Assert.Equal(SlotState.Available, slot.State);
    }

    [Fact]
    public void Block_held_slot_throws()
    {
        var slot = HeldBy(BookingA);

        var ex = Assert.Throws<DomainException>(() => slot.Block("Holiday"));

        Assert.Equal("Only a free slot can be blocked.", ex.Message);
        Assert.Equal(SlotState.Held, slot.State);
    }

    [Fact]
    public void Block_booked_slot_throws()
    {
        var slot = BookedBy(BookingA);

        Assert.Throws<DomainException>(() => slot.Block("Holiday"));
    }

    [Fact]
    public void Block_already_blocked_slot_throws()
    {
        var slot = Blocked();

        Assert.Throws<DomainException>(() => slot.Block("Another reason"));
        Assert.Equal("Dentist", slot.BlockReason);
    }

    [Fact]
    public void Unblock_blocked_slot_frees_it_and_clears_reason()
    {
        var slot = Blocked();

        slot.Unblock();

        Assert.Equal(SlotState.Available, slot.State);
        Assert.Null(slot.BlockReason);
    }

    [Fact]
    public void Unblock_free_slot_throws()
    {
        var slot = NewSlot();

        Assert.Throws<DomainException>(() => slot.Unblock());
    }

    [Fact]
    public void Unblock_booked_slot_throws()
    {
        var slot = BookedBy(BookingA);

        Assert.Throws<DomainException>(() => slot.Unblock());
        Assert.Equal(SlotState.Booked, slot.State);
    }
}

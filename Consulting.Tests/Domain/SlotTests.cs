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
        slot.Hold(bookingId, HoldUntil, Now);
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
        Assert.True(slot.IsReplaceable);
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

    // --- Hold ---

    [Fact]
    public void Hold_available_future_slot_records_booking_and_hold_end()
    {
        var slot = NewSlot();

        slot.Hold(BookingA, HoldUntil, Now);

        Assert.Equal(SlotState.Held, slot.State);
        Assert.Equal(BookingA, slot.BookingId);
        Assert.Equal(HoldUntil, slot.HeldUntil);
        Assert.False(slot.IsReplaceable);
    }

    [Fact]
    public void Hold_already_held_slot_throws()
    {
        var slot = HeldBy(BookingA);

        var ex = Assert.Throws<DomainException>(() => slot.Hold(BookingB, HoldUntil, Now));

        Assert.Equal("This time was just taken.", ex.Message);
        Assert.Equal(BookingA, slot.BookingId);
    }

    [Fact]
    public void Hold_booked_slot_throws()
    {
        var slot = BookedBy(BookingA);

        Assert.Throws<DomainException>(() => slot.Hold(BookingB, HoldUntil, Now));
    }

    [Fact]
    public void Hold_blocked_slot_throws()
    {
        var slot = Blocked();

        Assert.Throws<DomainException>(() => slot.Hold(BookingA, HoldUntil, Now));
        Assert.Equal(SlotState.Blocked, slot.State);
    }

    [Fact]
    public void Hold_slot_that_has_started_throws()
    {
        var slot = NewSlot();

        var ex = Assert.Throws<DomainException>(() => slot.Hold(BookingA, Start + Duration.FromMinutes(15), Start));

        Assert.Equal("This time has already started.", ex.Message);
        Assert.Equal(SlotState.Available, slot.State);
    }

    [Fact]
    public void Hold_ending_now_throws()
    {
        var slot = NewSlot();

        Assert.Throws<DomainException>(() => slot.Hold(BookingA, Now, Now));
        Assert.Equal(SlotState.Available, slot.State);
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

    [Fact]
    public void Released_slot_can_be_held_again_by_another_booking()
    {
        var slot = HeldBy(BookingA);
        slot.Release(BookingA);

        slot.Hold(BookingB, HoldUntil + Duration.FromMinutes(20), Now + Duration.FromMinutes(20));

        Assert.Equal(BookingB, slot.BookingId);
    }

    // --- Block / Unblock ---

    [Fact]
    public void Block_free_slot_stores_trimmed_reason()
    {
        var slot = NewSlot();

        slot.Block("  Conference  ");

        Assert.Equal(SlotState.Blocked, slot.State);
        Assert.Equal("Conference", slot.BlockReason);
        Assert.False(slot.IsOfferable(Now, Rules(Duration.Zero), 0));
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

    // --- IsOfferable / Reprice ---

    private static BookingRules Rules(Duration notice, int horizonDays = 60, int? cap = null) => new(notice, horizonDays, cap);

    [Fact]
    public void Free_slot_beyond_the_horizon_is_not_offerable()
    {
        var slot = NewSlot();

        Assert.True(slot.IsOfferable(Start - Duration.FromDays(3) + Duration.FromSeconds(1), Rules(Duration.Zero, horizonDays: 3), 0));
        Assert.False(slot.IsOfferable(Start - Duration.FromDays(3), Rules(Duration.Zero, horizonDays: 3), 0));
    }

    [Fact]
    public void Free_slot_on_a_day_at_its_cap_is_not_offerable()
    {
        var slot = NewSlot();

        Assert.True(slot.IsOfferable(Now, Rules(Duration.Zero, cap: 2), sessionsThatDay: 1));
        Assert.False(slot.IsOfferable(Now, Rules(Duration.Zero, cap: 2), sessionsThatDay: 2));
    }

    [Fact]
    public void Free_slot_exactly_at_minimum_notice_is_offerable()
    {
        var slot = NewSlot();

        Assert.True(slot.IsOfferable(Start - Duration.FromHours(12), Rules(Duration.FromHours(12)), 0));
    }

    [Fact]
    public void Free_slot_one_second_inside_minimum_notice_is_not_offerable()
    {
        var slot = NewSlot();

        Assert.False(slot.IsOfferable(Start - Duration.FromHours(12) + Duration.FromSeconds(1), Rules(Duration.FromHours(12)), 0));
    }

    [Fact]
    public void Free_slot_that_has_started_is_not_offerable_even_without_notice()
    {
        var slot = NewSlot();

        Assert.False(slot.IsOfferable(Start + Duration.FromSeconds(1), Rules(Duration.Zero), 0));
    }

    [Fact]
    public void Held_slot_is_not_offerable()
    {
        var slot = HeldBy(BookingA);

        Assert.False(slot.IsOfferable(Now, Rules(Duration.Zero), 0));
    }

    [Fact]
    public void Reprice_free_slot_changes_price()
    {
        var slot = NewSlot();

        slot.Reprice(new Money(5000, "EUR"));

        Assert.Equal(new Money(5000, "EUR"), slot.Price);
    }

    [Fact]
    public void Reprice_held_slot_throws()
    {
        var slot = HeldBy(BookingA);

        Assert.Throws<DomainException>(() => slot.Reprice(new Money(5000, "EUR")));
        Assert.Equal(new Money(9900, "USD"), slot.Price);
    }
}

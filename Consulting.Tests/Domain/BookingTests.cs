using Consulting.Tests.Support;
using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Domain;

[NoDatabase]
public class BookingTests
{
    private static readonly Guid SpecialistId = Guid.NewGuid();
    private static readonly Instant SessionStart = Instant.FromUtc(2026, 3, 10, 15, 0);
    private static readonly Instant Created = Instant.FromUtc(2026, 3, 1, 9, 0);
    private static readonly Instant HoldEnd = Created + Duration.FromMinutes(15);
    private static readonly CancellationPolicy Policy = CancellationPolicy.Default;
    private static readonly Actor Customer = Actor.Customer("customer-1");
    private static readonly Actor Specialist = Actor.Specialist("specialist-1");
    private static readonly Actor Admin = Actor.Admin("admin-1");

    private static Slot NewSlot(Instant start, Guid? specialistId = null) =>
        Slot.Create(specialistId ?? SpecialistId, start, start + Duration.FromMinutes(45), "Europe/Berlin",
            new Money(12000, "EUR"), Created - Duration.FromDays(7));

    private static CustomerDetails Details() =>
        new("Ana Díaz", "ana@example.com", "+14155550123", "America/New_York", "About my tax return");

    private static Booking Pending(Slot? slot = null) =>
        Booking.Place(Guid.NewGuid(), slot ?? NewSlot(SessionStart), Details(), "customer-1", HoldEnd, Created);

    private static Booking Confirmed(Slot? slot = null)
    {
        var booking = Pending(slot);
        booking.ConfirmPaid(Created + Duration.FromMinutes(5));
        return booking;
    }

    private static Booking Completed()
    {
        var booking = Confirmed();
        booking.MarkCompleted(Specialist, booking.End);
        return booking;
    }

    private static Booking Cancelled()
    {
        var booking = Confirmed();
        booking.Cancel(Customer, "Plans changed", SessionStart - Duration.FromDays(3), Policy);
        return booking;
    }

    private static Booking Expired()
    {
        var booking = Pending();
        booking.Expire(HoldEnd);
        return booking;
    }

    // --- Place ---

    [Fact]
    public void Place_copies_the_slot_and_customer_and_starts_pending()
    {
        var slot = NewSlot(SessionStart);

        var booking = Booking.Place(Guid.NewGuid(), slot, Details(), "customer-1", HoldEnd, Created);

        Assert.Equal(BookingStatus.Pending, booking.Status);
        Assert.Equal(slot.Id, booking.SlotId);
        Assert.Equal(SpecialistId, booking.SpecialistId);
        Assert.Equal(slot.Start, booking.Start);
        Assert.Equal(slot.End, booking.End);
        Assert.Equal(new Money(12000, "EUR"), booking.Price);
        Assert.Equal(HoldEnd, booking.HoldExpiresAt);
        Assert.Equal("ana@example.com", booking.CustomerEmail);
        Assert.Equal("America/New_York", booking.CustomerTimeZoneId);
        Assert.Equal(0, booking.Sequence);
        var entry = Assert.Single(booking.StatusHistory);
        Assert.Equal(BookingStatus.Pending, entry.Status);
        Assert.Equal(ActorRole.Customer, entry.ByRole);
        Assert.Equal("customer-1", entry.ByUserId);
        Assert.Equal(Created, entry.At);
    }

    [Fact]
    public void Place_for_a_guest_records_a_customer_without_user_id()
    {
        var booking = Booking.Place(Guid.NewGuid(), NewSlot(SessionStart), Details(), null, HoldEnd, Created);

        Assert.Null(booking.CustomerUserId);
        var entry = Assert.Single(booking.StatusHistory);
        Assert.Equal(ActorRole.Customer, entry.ByRole);
        Assert.Null(entry.ByUserId);
    }

    [Fact]
    public void Place_for_a_slot_that_has_started_throws()
    {
        var slot = NewSlot(SessionStart);

        Assert.Throws<DomainException>(() =>
            Booking.Place(Guid.NewGuid(), slot, Details(), "customer-1", SessionStart + Duration.FromMinutes(15), SessionStart));
    }

    // --- Confirm / Expire ---

    [Fact]
    public void Confirm_pending_booking_becomes_confirmed_with_system_history_entry()
    {
        var booking = Pending();
        var paidAt = Created + Duration.FromMinutes(5);

        booking.ConfirmPaid(paidAt);

        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        var entry = booking.StatusHistory[^1];
        Assert.Equal(BookingStatus.Confirmed, entry.Status);
        Assert.Equal(ActorRole.System, entry.ByRole);
        Assert.Null(entry.ByUserId);
        Assert.Equal("Payment received", entry.Reason);
        Assert.Equal(paidAt, entry.At);
    }

    [Fact]
    public void Confirm_already_confirmed_booking_throws()
    {
        var booking = Confirmed();

        Assert.Throws<DomainException>(() => booking.ConfirmPaid(Created + Duration.FromMinutes(6)));
    }

    [Fact]
    public void Confirm_cancelled_booking_throws()
    {
        var booking = Cancelled();

        Assert.Throws<DomainException>(() => booking.ConfirmPaid(SessionStart - Duration.FromDays(2)));
    }

    [Fact]
    public void Confirm_completed_booking_throws()
    {
        var booking = Completed();

        Assert.Throws<DomainException>(() => booking.ConfirmPaid(booking.End + Duration.FromHours(1)));
    }

    [Fact]
    public void Expire_before_hold_end_throws_and_keeps_booking_pending()
    {
        var booking = Pending();

        var ex = Assert.Throws<DomainException>(() => booking.Expire(HoldEnd - Duration.FromSeconds(1)));

        Assert.Equal("The hold hasn't run out yet.", ex.Message);
        Assert.Equal(BookingStatus.Pending, booking.Status);
        Assert.False(booking.IsHoldExpired(HoldEnd - Duration.FromSeconds(1)));
    }

    [Fact]
    public void Expire_at_hold_end_marks_booking_expired_by_system()
    {
        var booking = Pending();

        Assert.True(booking.IsHoldExpired(HoldEnd));
        booking.Expire(HoldEnd);

        Assert.Equal(BookingStatus.Expired, booking.Status);
        var entry = booking.StatusHistory[^1];
        Assert.Equal(BookingStatus.Expired, entry.Status);
        Assert.Equal(ActorRole.System, entry.ByRole);
        Assert.Equal(HoldEnd, entry.At);
        Assert.Equal("Hold expired before payment", entry.Reason);
    }

    [Fact]
    public void Expire_confirmed_booking_throws()
    {
        var booking = Confirmed();

        Assert.Throws<DomainException>(() => booking.Expire(HoldEnd + Duration.FromHours(1)));
        Assert.False(booking.IsHoldExpired(HoldEnd + Duration.FromHours(1)));
    }

    [Fact]
    public void Expire_twice_throws()
    {
        var booking = Expired();

        Assert.Throws<DomainException>(() => booking.Expire(HoldEnd + Duration.FromMinutes(1)));
    }

    [Fact]
    public void Late_payment_confirms_an_expired_booking()
    {
        var booking = Expired();
        var paidAt = HoldEnd + Duration.FromMinutes(3);

        booking.ConfirmPaid(paidAt);

        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.Equal(
            [BookingStatus.Pending, BookingStatus.Expired, BookingStatus.Confirmed],
            booking.StatusHistory.Select(h => h.Status));
        Assert.Equal("Payment received after the hold expired; the time was still free", booking.StatusHistory[^1].Reason);
    }

    // --- Cancel ---

    [Fact]
    public void Customer_cancel_more_than_24h_before_start_gives_full_refund()
    {
        var booking = Confirmed();

        var refund = booking.Cancel(Customer, "Plans changed", SessionStart - Duration.FromDays(3), Policy);

        Assert.Equal(RefundDecision.Full, refund);
    }

    [Fact]
    public void Customer_cancel_24h_plus_1s_before_start_gives_full_refund()
    {
        var booking = Confirmed();
        var now = SessionStart - Duration.FromHours(24) - Duration.FromSeconds(1);

        Assert.Equal(RefundDecision.Full, booking.RefundIfCancelled(ActorRole.Customer, now, Policy));
        Assert.Equal(RefundDecision.Full, booking.Cancel(Customer, null, now, Policy));
    }

    [Fact]
    public void Customer_cancel_exactly_24h_before_start_gives_full_refund()
    {
        var booking = Confirmed();

        var refund = booking.Cancel(Customer, null, SessionStart - Duration.FromHours(24), Policy);

        Assert.Equal(RefundDecision.Full, refund);
    }

    [Fact]
    public void Customer_cancel_24h_minus_1s_before_start_gives_no_refund()
    {
        var booking = Confirmed();
        var now = SessionStart - Duration.FromHours(24) + Duration.FromSeconds(1);

        Assert.Equal(RefundDecision.None, booking.RefundIfCancelled(ActorRole.Customer, now, Policy));
        Assert.Equal(RefundDecision.None, booking.Cancel(Customer, null, now, Policy));
        Assert.Equal(RefundDecision.None, booking.Cancellation!.Refund);
    }

    [Fact]
    public void Customer_cancel_with_a_48h_policy_uses_that_window()
    {
        var policy = new CancellationPolicy(Duration.FromHours(48));
        var booking = Confirmed();

        var refund = booking.Cancel(Customer, null, SessionStart - Duration.FromHours(30), policy);

        Assert.Equal(RefundDecision.None, refund);
    }

    [Fact]
    public void Specialist_cancel_one_hour_before_start_gives_full_refund()
    {
        var booking = Confirmed();

        var refund = booking.Cancel(Specialist, "Ill", SessionStart - Duration.FromHours(1), Policy);

        Assert.Equal(RefundDecision.Full, refund);
    }

    [Fact]
    public void Admin_cancel_one_minute_before_start_gives_full_refund()
    {
        var booking = Confirmed();

        var refund = booking.Cancel(Admin, "Platform outage", SessionStart - Duration.FromMinutes(1), Policy);

        Assert.Equal(RefundDecision.Full, refund);
    }

    [Fact]
    public void Cancel_records_cancellation_history_entry_and_bumps_sequence()
    {
        var booking = Confirmed();
        var now = SessionStart - Duration.FromHours(2);

        booking.Cancel(Specialist, "  Double-booked  ", now, Policy);

        Assert.Equal(BookingStatus.Cancelled, booking.Status);
        Assert.Equal(1, booking.Sequence);
        var cancellation = Assert.IsType<Cancellation>(booking.Cancellation);
        Assert.Equal(ActorRole.Specialist, cancellation.ByRole);
        Assert.Equal("specialist-1", cancellation.ByUserId);
        Assert.Equal(now, cancellation.At);
        Assert.Equal("Double-booked", cancellation.Reason);
        Assert.Equal(RefundDecision.Full, cancellation.Refund);
        var entry = booking.StatusHistory[^1];
        Assert.Equal(BookingStatus.Cancelled, entry.Status);
        Assert.Equal(ActorRole.Specialist, entry.ByRole);
        Assert.Equal("specialist-1", entry.ByUserId);
        Assert.Equal("Double-booked", entry.Reason);
        Assert.Equal(now, entry.At);
    }

    [Fact]
    public void Cancel_with_blank_reason_stores_no_reason()
    {
        var booking = Confirmed();

        booking.Cancel(Customer, "   ", SessionStart - Duration.FromDays(2), Policy);

        Assert.Null(booking.Cancellation!.Reason);
        Assert.Null(booking.StatusHistory[^1].Reason);
    }

    [Fact]
    public void Cancel_pending_booking_gives_no_refund_because_nothing_was_paid()
    {
        var booking = Pending();

        var refund = booking.Cancel(Customer, "Changed my mind", Created + Duration.FromMinutes(2), Policy);

        Assert.Equal(BookingStatus.Cancelled, booking.Status);
        Assert.Equal(RefundDecision.None, refund);
    }

    [Fact]
    public void Cancelling_twice_throws()
    {
        var booking = Cancelled();

        var ex = Assert.Throws<DomainException>(() =>
            booking.Cancel(Admin, "Again", SessionStart - Duration.FromDays(2), Policy));

        Assert.Equal("This booking is already cancelled.", ex.Message);
        Assert.Equal(ActorRole.Customer, booking.Cancellation!.ByRole);
    }

    [Fact]
    public void Cancel_expired_booking_throws()
    {
        var booking = Expired();

        Assert.Throws<DomainException>(() => booking.Cancel(Customer, null, HoldEnd + Duration.FromMinutes(1), Policy));
    }

    [Fact]
    public void Cancel_completed_booking_throws()
    {
        var booking = Completed();

        Assert.Throws<DomainException>(() => booking.Cancel(Admin, null, booking.End + Duration.FromMinutes(1), Policy));
    }

    [Fact]
    public void Cancel_confirmed_booking_after_it_ended_throws()
    {
        var booking = Confirmed();

        var ex = Assert.Throws<DomainException>(() => booking.Cancel(Admin, null, booking.End, Policy));

        Assert.Equal("A session that has ended can't be cancelled.", ex.Message);
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
    }

    [Fact]
    public void RefundIfCancelled_for_a_pending_booking_is_none_even_for_specialist()
    {
        var booking = Pending();

        Assert.Equal(RefundDecision.None, booking.RefundIfCancelled(ActorRole.Specialist, Created, Policy));
    }

    // --- Reschedule ---

    [Fact]
    public void Customer_reschedule_outside_window_moves_booking_records_history_and_bumps_sequence()
    {
        var booking = Confirmed();
        var oldSlotId = booking.SlotId;
        var target = NewSlot(SessionStart + Duration.FromDays(2));
        var now = SessionStart - Duration.FromDays(2);

        booking.Reschedule(target, Customer, " Clash at work ", now, Policy);

        Assert.Equal(target.Id, booking.SlotId);
        Assert.Equal(target.Start, booking.Start);
        Assert.Equal(target.End, booking.End);
        Assert.Equal(1, booking.Sequence);
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        var record = Assert.Single(booking.RescheduleHistory);
        Assert.Equal(oldSlotId, record.FromSlotId);
        Assert.Equal(SessionStart, record.FromStart);
        Assert.Equal(target.Id, record.ToSlotId);
        Assert.Equal(target.Start, record.ToStart);
        Assert.Equal(now, record.At);
        Assert.Equal(ActorRole.Customer, record.ByRole);
        Assert.Equal("customer-1", record.ByUserId);
        Assert.Equal("Clash at work", record.Reason);
    }

    [Fact]
    public void Rescheduling_twice_keeps_both_records_and_sequence_two()
    {
        var booking = Confirmed();
        var first = NewSlot(SessionStart + Duration.FromDays(2));
        var second = NewSlot(SessionStart + Duration.FromDays(4));

        booking.Reschedule(first, Customer, null, SessionStart - Duration.FromDays(2), Policy);
        booking.Reschedule(second, Specialist, null, SessionStart, Policy);

        Assert.Equal(2, booking.Sequence);
        Assert.Equal([first.Id, second.Id], booking.RescheduleHistory.Select(r => r.ToSlotId));
        Assert.Equal(first.Id, booking.RescheduleHistory[1].FromSlotId);
    }

    [Fact]
    public void Customer_reschedule_24h_minus_1s_before_start_throws()
    {
        var booking = Confirmed();
        var now = SessionStart - Duration.FromHours(24) + Duration.FromSeconds(1);

        Assert.False(booking.CanReschedule(ActorRole.Customer, now, Policy));
        var ex = Assert.Throws<DomainException>(() =>
            booking.Reschedule(NewSlot(SessionStart + Duration.FromDays(1)), Customer, null, now, Policy));

        Assert.Equal("Rescheduling closes 24 hours before the start.", ex.Message);
        Assert.Equal(SessionStart, booking.Start);
        Assert.Empty(booking.RescheduleHistory);
        Assert.Equal(0, booking.Sequence);
    }

    [Fact]
    public void Customer_reschedule_exactly_24h_before_start_is_allowed()
    {
        var booking = Confirmed();
        var now = SessionStart - Duration.FromHours(24);

        Assert.True(booking.CanReschedule(ActorRole.Customer, now, Policy));
        booking.Reschedule(NewSlot(SessionStart + Duration.FromDays(1)), Customer, null, now, Policy);

        Assert.Single(booking.RescheduleHistory);
    }

    [Fact]
    public void Specialist_reschedule_inside_the_window_is_allowed()
    {
        var booking = Confirmed();
        var target = NewSlot(SessionStart + Duration.FromDays(1));

        booking.Reschedule(target, Specialist, "Running late", SessionStart - Duration.FromHours(1), Policy);

        Assert.Equal(target.Start, booking.Start);
        Assert.Equal(ActorRole.Specialist, booking.RescheduleHistory[0].ByRole);
    }

    [Fact]
    public void Specialist_reschedule_after_start_throws()
    {
        var booking = Confirmed();

        Assert.False(booking.CanReschedule(ActorRole.Specialist, SessionStart, Policy));
        Assert.Throws<DomainException>(() =>
            booking.Reschedule(NewSlot(SessionStart + Duration.FromDays(1)), Specialist, null, SessionStart, Policy));
    }

    [Fact]
    public void Reschedule_to_another_specialists_slot_throws()
    {
        var booking = Confirmed();
        var otherSpecialistsSlot = NewSlot(SessionStart + Duration.FromDays(1), Guid.NewGuid());

        var ex = Assert.Throws<DomainException>(() =>
            booking.Reschedule(otherSpecialistsSlot, Customer, null, SessionStart - Duration.FromDays(2), Policy));

        Assert.Equal("A booking can only move to another time with the same specialist.", ex.Message);
        Assert.Empty(booking.RescheduleHistory);
    }

    [Fact]
    public void Reschedule_to_the_current_slot_throws()
    {
        var slot = NewSlot(SessionStart);
        var booking = Confirmed(slot);

        Assert.Throws<DomainException>(() =>
            booking.Reschedule(slot, Customer, null, SessionStart - Duration.FromDays(2), Policy));
    }

    [Fact]
    public void Reschedule_to_a_slot_that_has_started_throws()
    {
        var booking = Confirmed();
        var now = SessionStart - Duration.FromHours(1);
        var startedSlot = NewSlot(now - Duration.FromMinutes(10));

        var ex = Assert.Throws<DomainException>(() => booking.Reschedule(startedSlot, Specialist, null, now, Policy));

        Assert.Equal("The new time has already started.", ex.Message);
    }

    [Fact]
    public void Reschedule_pending_booking_throws()
    {
        var booking = Pending();

        var ex = Assert.Throws<DomainException>(() =>
            booking.Reschedule(NewSlot(SessionStart + Duration.FromDays(1)), Customer, null, Created, Policy));

        Assert.Equal("This booking is pending, so it can't be rescheduled.", ex.Message);
    }

    [Fact]
    public void Reschedule_cancelled_booking_throws()
    {
        var booking = Cancelled();

        var ex = Assert.Throws<DomainException>(() =>
            booking.Reschedule(NewSlot(SessionStart + Duration.FromDays(1)), Admin, null, SessionStart - Duration.FromDays(2), Policy));

        Assert.Equal("This booking is cancelled, so it can't be rescheduled.", ex.Message);
    }

    [Fact]
    public void Reschedule_completed_booking_throws()
    {
        var booking = Completed();

        var ex = Assert.Throws<DomainException>(() =>
            booking.Reschedule(NewSlot(booking.End + Duration.FromDays(1)), Specialist, null, booking.End, Policy));

        Assert.Equal("This booking is completed, so it can't be rescheduled.", ex.Message);
    }

    [Fact]
    public void Reschedule_expired_booking_throws()
    {
        var booking = Expired();

        Assert.Throws<DomainException>(() =>
            booking.Reschedule(NewSlot(SessionStart + Duration.FromDays(1)), Customer, null, HoldEnd, Policy));
        Assert.Equal(BookingStatus.Expired, booking.Status);
    }

    // --- Completed / NoShow / Recording ---

    [Fact]
    public void MarkCompleted_at_end_records_completed_by_specialist()
    {
        var booking = Confirmed();

        booking.MarkCompleted(Specialist, booking.End);

        Assert.Equal(BookingStatus.Completed, booking.Status);
        var entry = booking.StatusHistory[^1];
        Assert.Equal(BookingStatus.Completed, entry.Status);
        Assert.Equal(ActorRole.Specialist, entry.ByRole);
        Assert.Equal("specialist-1", entry.ByUserId);
        Assert.Null(entry.Reason);
    }

    [Fact]
    public void MarkCompleted_before_end_throws()
    {
        var booking = Confirmed();

        var ex = Assert.Throws<DomainException>(() => booking.MarkCompleted(Specialist, booking.End - Duration.FromSeconds(1)));

        Assert.Equal("The session hasn't ended yet.", ex.Message);
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
    }

    [Fact]
    public void MarkCompleted_on_pending_booking_throws()
    {
        var booking = Pending();

        Assert.Throws<DomainException>(() => booking.MarkCompleted(Specialist, booking.End + Duration.FromHours(1)));
    }

    [Fact]
    public void MarkCompleted_on_cancelled_booking_throws()
    {
        var booking = Cancelled();

        Assert.Throws<DomainException>(() => booking.MarkCompleted(Specialist, booking.End + Duration.FromHours(1)));
    }

    [Fact]
    public void MarkCompleted_twice_throws()
    {
        var booking = Completed();

        Assert.Throws<DomainException>(() => booking.MarkCompleted(Specialist, booking.End + Duration.FromHours(1)));
    }

    [Fact]
    public void MarkNoShow_after_end_records_no_show_by_admin()
    {
        var booking = Confirmed();
        var now = booking.End + Duration.FromMinutes(10);

        booking.MarkNoShow(Admin, now);

        Assert.Equal(BookingStatus.NoShow, booking.Status);
        var entry = booking.StatusHistory[^1];
        Assert.Equal(BookingStatus.NoShow, entry.Status);
        Assert.Equal(ActorRole.Admin, entry.ByRole);
        Assert.Equal(now, entry.At);
    }

    [Fact]
    public void MarkNoShow_before_end_throws()
    {
        var booking = Confirmed();

        Assert.Throws<DomainException>(() => booking.MarkNoShow(Specialist, booking.Start));
    }

    [Fact]
    public void MarkNoShow_on_completed_booking_throws()
    {
        var booking = Completed();

        var ex = Assert.Throws<DomainException>(() => booking.MarkNoShow(Specialist, booking.End + Duration.FromHours(1)));

        Assert.Equal("This booking is completed, so it can't be marked no-show.", ex.Message);
    }

    [Fact]
    public void MarkNoShow_on_expired_booking_throws()
    {
        var booking = Expired();

        Assert.Throws<DomainException>(() => booking.MarkNoShow(Specialist, booking.End + Duration.FromHours(1)));
    }

    [Fact]
    public void AddRecording_to_completed_booking_stores_the_link()
    {
        var booking = Completed();

        booking.AddRecording("  https://recordings.example.com/abc  ");

        Assert.Equal("https://recordings.example.com/abc", booking.RecordingUrl);
    }

    [Fact]
    public void AddRecording_to_confirmed_booking_throws()
    {
        var booking = Confirmed();

        Assert.Throws<DomainException>(() => booking.AddRecording("https://recordings.example.com/abc"));
        Assert.Null(booking.RecordingUrl);
    }

    [Fact]
    public void AddRecording_to_no_show_booking_throws()
    {
        var booking = Confirmed();
        booking.MarkNoShow(Specialist, booking.End);

        Assert.Throws<DomainException>(() => booking.AddRecording("https://recordings.example.com/abc"));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://files.example.com/rec.mp4")]
    [InlineData("")]
    public void AddRecording_with_a_non_http_link_throws_on_RecordingUrl(string url)
    {
        var booking = Completed();

        var ex = Assert.Throws<DomainException>(() => booking.AddRecording(url));

        Assert.Equal("RecordingUrl", ex.Field);
    }

    // --- Full history ---

    [Fact]
    public void Status_history_lists_every_transition_in_order_with_role_and_reason()
    {
        var booking = Pending();
        booking.ConfirmPaid(Created + Duration.FromMinutes(5));
        booking.MarkCompleted(Specialist, booking.End);

        Assert.Collection(booking.StatusHistory,
            e => Assert.Equal((BookingStatus.Pending, ActorRole.Customer, "Slot held for checkout"), (e.Status, e.ByRole, e.Reason)),
            e => Assert.Equal((BookingStatus.Confirmed, ActorRole.System, "Payment received"), (e.Status, e.ByRole, e.Reason)),
            e => Assert.Equal((BookingStatus.Completed, ActorRole.Specialist, (string?)null), (e.Status, e.ByRole, e.Reason)));
    }

    // --- Details / meeting ---

    [Fact]
    public void UpdateCustomerDetails_during_checkout_replaces_them()
    {
        var booking = Pending();

        booking.UpdateCustomerDetails(new CustomerDetails("Bo", "bo@example.org", null, "Asia/Tokyo", null));

        Assert.Equal("Bo", booking.CustomerName);
        Assert.Equal("bo@example.org", booking.CustomerEmail);
        Assert.Null(booking.CustomerPhone);
        Assert.Equal("Asia/Tokyo", booking.CustomerTimeZoneId);
        Assert.Null(booking.Notes);
    }

    [Fact]
    public void UpdateCustomerDetails_after_confirmation_throws()
    {
        var booking = Confirmed();

        Assert.Throws<DomainException>(() =>
            booking.UpdateCustomerDetails(new CustomerDetails("Bo", "bo@example.org", null, "Asia/Tokyo", null)));
    }

    [Fact]
    public void A_confirmed_booking_asks_for_its_meeting_and_keeps_it_once_made()
    {
        var booking = Confirmed();
        Assert.Equal(MeetingSync.Create, booking.MeetingSync);

        booking.MeetingSynced(MeetingSync.Create, new MeetingInfo("jitsi", null, "https://meet.jit.si/consulting-abc", null));

        Assert.Equal("https://meet.jit.si/consulting-abc", booking.Meeting!.JoinUrl);
        Assert.Equal(MeetingSync.None, booking.MeetingSync);
        Assert.Null(booking.MeetingSyncDueAt);
    }

    [Fact]
    public void Meeting_work_done_for_an_older_request_is_refused()
    {
        var booking = Confirmed();
        booking.MeetingSynced(MeetingSync.Create, new MeetingInfo("jitsi", null, "https://meet.jit.si/consulting-abc", null));
        booking.Cancel(Customer, null, SessionStart - Duration.FromDays(3), Policy);
        Assert.Equal(MeetingSync.Delete, booking.MeetingSync);

        Assert.Throws<DomainException>(() =>
            booking.MeetingSynced(MeetingSync.Update, new MeetingInfo("jitsi", null, "https://meet.jit.si/consulting-abc", null)));

        booking.MeetingSynced(MeetingSync.Delete, null);
        Assert.Null(booking.Meeting);
    }

    [Fact]
    public void A_failed_meeting_call_is_retried_later_and_the_booking_stands()
    {
        var booking = Confirmed();
        var now = Created + Duration.FromMinutes(6);

        booking.MeetingSyncFailed(new string('x', 600), now, new RetryPolicy(Duration.FromMinutes(1), Duration.FromHours(1)));

        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.Equal(MeetingSync.Create, booking.MeetingSync);
        Assert.Equal(now + Duration.FromMinutes(1), booking.MeetingSyncDueAt);
        Assert.Equal(500, booking.MeetingSyncError!.Length);
    }

    [Fact]
    public void MeetingInfo_with_http_join_url_throws()
    {
        Assert.Throws<DomainException>(() => new MeetingInfo("zoom", "123", "http://zoom.example.com/j/123", null));
    }
}

[NoDatabase]
public class CustomerDetailsTests
{
    [Fact]
    public void Valid_details_are_trimmed_and_phone_is_compacted()
    {
        var details = new CustomerDetails("  Ana  ", " ana@example.com ", "+1 415-555-0123", " Europe/Berlin ", "  hi  ");

        Assert.Equal("Ana", details.Name);
        Assert.Equal("ana@example.com", details.Email);
        Assert.Equal("+14155550123", details.Phone);
        Assert.Equal("Europe/Berlin", details.TimeZoneId);
        Assert.Equal("hi", details.Notes);
    }

    [Fact]
    public void Blank_phone_and_notes_become_null()
    {
        var details = new CustomerDetails("Ana", "ana@example.com", "  ", "UTC", "   ");

        Assert.Null(details.Phone);
        Assert.Null(details.Notes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Missing_name_throws_on_Name(string? name)
    {
        var ex = Assert.Throws<DomainException>(() => new CustomerDetails(name, "ana@example.com", null, "UTC", null));

        Assert.Equal("Name", ex.Field);
    }

    [Fact]
    public void Name_over_100_characters_throws_on_Name()
    {
        var ex = Assert.Throws<DomainException>(() =>
            new CustomerDetails(new string('a', 101), "ana@example.com", null, "UTC", null));

        Assert.Equal("Name", ex.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ana")]
    [InlineData("ana@")]
    [InlineData("@example.com")]
    [InlineData("ana@example")]
    [InlineData("ana@.com")]
    [InlineData("ana example@example.com")]
    [InlineData("Ana <ana@example.com>")]
    public void Bad_email_throws_on_Email(string email)
    {
        var ex = Assert.Throws<DomainException>(() => new CustomerDetails("Ana", email, null, "UTC", null));

        Assert.Equal("Email", ex.Field);
    }

    [Theory]
    [InlineData("4155550123")]
    [InlineData("+1 (415) 555-0123")]
    [InlineData("+123456")]
    [InlineData("+1234567890123456")]
    [InlineData("+1415abc0123")]
    // Seven digits, and a country code starting with 0: no SMS could ever reach these.
    [InlineData("+1234567")]
    [InlineData("+0415555012")]
    public void Bad_phone_throws_on_Phone(string phone)
    {
        var ex = Assert.Throws<DomainException>(() => new CustomerDetails("Ana", "ana@example.com", phone, "UTC", null));

        Assert.Equal("Phone", ex.Field);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_time_zone_throws_on_TimeZone(string? zone)
    {
        var ex = Assert.Throws<DomainException>(() => new CustomerDetails("Ana", "ana@example.com", null, zone, null));

        Assert.Equal("TimeZone", ex.Field);
    }

    [Fact]
    public void Notes_of_exactly_the_maximum_length_are_accepted()
    {
        var details = new CustomerDetails("Ana", "ana@example.com", null, "UTC", new string('n', Booking.MaxNotesLength));

        Assert.Equal(Booking.MaxNotesLength, details.Notes!.Length);
    }

    [Fact]
    public void Notes_over_the_maximum_length_throw_on_Notes()
    {
        var ex = Assert.Throws<DomainException>(() =>
            new CustomerDetails("Ana", "ana@example.com", null, "UTC", new string('n', Booking.MaxNotesLength + 1)));

        Assert.Equal("Notes", ex.Field);
    }
}

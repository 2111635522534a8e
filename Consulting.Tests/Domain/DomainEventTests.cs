using Consulting.Tests.Support;
using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Domain;

/// <summary>Each state change production makes raises the event its consequences are recorded from (Data/DomainEventDispatch).</summary>
[NoDatabase]
public sealed class DomainEventTests
{
    private static readonly Instant Created = Instant.FromUtc(2026, 3, 1, 9, 0);
    private static readonly Instant SessionStart = Instant.FromUtc(2026, 3, 10, 15, 0);
    private static readonly CancellationPolicy Policy = CancellationPolicy.Default;
    private static readonly Guid SpecialistId = Guid.NewGuid();

    private static Slot NewSlot(Instant start) =>
        Slot.Create(SpecialistId, start, start + Duration.FromHours(1), "UTC", new Money(12000, "EUR"), Created - Duration.FromDays(7));

    private static Booking Pending() =>
        Booking.Place(Guid.NewGuid(), NewSlot(SessionStart), new CustomerDetails("Ana Díaz", "ana@example.com", null, "UTC", null),
            "customer-1", Created + Duration.FromMinutes(15), Created);

    private static Booking Confirmed(out Payment payment)
    {
        var booking = Pending();
        payment = booking.ConfirmPaid(Created + Duration.FromMinutes(5));
        booking.TakeEvents();
        return booking;
    }

    [Fact]
    public void Placing_a_hold_raises_nothing_to_follow_up()
    {
        Assert.Empty(Pending().TakeEvents());
    }

    [Fact]
    public void A_payment_confirms_the_booking_with_the_payment_it_came_from()
    {
        var booking = Pending();
        var payment = booking.ConfirmPaid(Created + Duration.FromMinutes(5));

        var confirmed = Assert.IsType<BookingConfirmed>(Assert.Single(booking.TakeEvents()));
        Assert.Same(booking, confirmed.Booking);
        Assert.Same(payment, confirmed.Payment);
        Assert.Empty(booking.TakeEvents());
    }

    [Fact]
    public void Only_a_completed_payment_of_the_booking_confirms_it()
    {
        var booking = Pending();
        var unpaid = Payment.Start(booking.Id, booking.Price, "test", Created);
        var others = Payment.Start(Guid.NewGuid(), booking.Price, "test", Created);
        others.MarkSucceeded(null, Created);

        Assert.Throws<DomainException>(() => booking.Confirm(unpaid, Created));
        Assert.Throws<DomainException>(() => booking.Confirm(others, Created));
        Assert.Equal(BookingStatus.Pending, booking.Status);
        Assert.Empty(booking.TakeEvents());
    }

    [Fact]
    public void An_expired_hold_is_an_event()
    {
        var booking = Pending();
        booking.Expire(Created + Duration.FromMinutes(15));

        Assert.Same(booking, Assert.IsType<HoldExpired>(Assert.Single(booking.TakeEvents())).Booking);
    }

    [Fact]
    public void A_cancellation_is_an_event_carrying_its_refund_decision_on_the_booking()
    {
        var booking = Confirmed(out _);
        booking.Cancel(Actor.Customer("customer-1"), "Plans changed", SessionStart - Duration.FromDays(3), Policy);

        var cancelled = Assert.IsType<BookingCancelled>(Assert.Single(booking.TakeEvents()));
        Assert.Equal(RefundDecision.Full, cancelled.Booking.Cancellation!.Refund);
    }

    [Fact]
    public void A_refused_cancellation_raises_nothing()
    {
        var booking = Confirmed(out _);
        Assert.Throws<DomainException>(() => booking.Cancel(Actor.Customer("customer-1"), null, booking.End, Policy));
        Assert.Empty(booking.TakeEvents());
    }

    [Fact]
    public void A_move_is_an_event_that_remembers_the_old_time()
    {
        var booking = Confirmed(out _);
        var later = NewSlot(SessionStart + Duration.FromDays(1));
        booking.Reschedule(later, Actor.Specialist("specialist-1"), null, SessionStart - Duration.FromDays(3), Policy);

        var moved = Assert.IsType<BookingRescheduled>(Assert.Single(booking.TakeEvents()));
        Assert.Equal(SessionStart, moved.PreviousStart);
        Assert.Equal(later.Start, moved.Booking.Start);
    }

    [Fact]
    public void Completing_and_sharing_a_recording_are_events_a_no_show_is_not()
    {
        var completed = Confirmed(out _);
        completed.MarkCompleted(Actor.Specialist("specialist-1"), completed.End);
        completed.AddRecording("https://example.com/recording");
        Assert.Equal([typeof(SessionCompleted), typeof(RecordingShared)], completed.TakeEvents().Select(e => e.GetType()));

        var noShow = Confirmed(out _);
        noShow.MarkNoShow(Actor.Specialist("specialist-1"), noShow.End);
        Assert.Empty(noShow.TakeEvents());
    }

    [Fact]
    public void A_refund_the_provider_completes_is_an_event()
    {
        Confirmed(out var payment);
        var refund = payment.RequestRefund("Cancelled by the specialist", SessionStart - Duration.FromDays(1));
        Assert.Empty(payment.TakeEvents());

        payment.CompleteRefund(refund.Id, "re_1", SessionStart - Duration.FromDays(1));

        var completed = Assert.IsType<RefundCompleted>(Assert.Single(payment.TakeEvents()));
        Assert.Same(refund, completed.Refund);
    }

    [Fact]
    public void Only_a_refund_made_outside_the_app_calls_the_session_off()
    {
        Confirmed(out var outside);
        outside.ReconcileRefunded(SessionStart - Duration.FromDays(1));
        Assert.IsType<PaymentRefundedAtProvider>(Assert.Single(outside.TakeEvents()));

        Confirmed(out var ours);
        ours.RequestRefund("Cancelled by the customer", SessionStart - Duration.FromDays(1));
        ours.ReconcileRefunded(SessionStart - Duration.FromDays(1));
        Assert.Empty(ours.TakeEvents());
    }

    [Fact]
    public void A_new_review_is_news_for_the_specialist_an_edit_is_not()
    {
        var booking = Confirmed(out _);
        booking.MarkCompleted(Actor.Specialist("specialist-1"), booking.End);
        var review = Review.Write(booking, "specialist-1", "customer-1", 5, "Very helpful", booking.End + Duration.FromHours(1));

        Assert.Same(review, Assert.IsType<ReviewWritten>(Assert.Single(review.TakeEvents())).Review);
        review.Edit(4, "Helpful", booking.End + Duration.FromHours(2));
        Assert.Empty(review.TakeEvents());
    }
}

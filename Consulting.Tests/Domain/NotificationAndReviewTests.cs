using Consulting.Tests.Support;
using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Domain;

[NoDatabase]
public class NotificationTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 1, 9, 0);
    private static readonly Channel[] AllChannels = [Channel.Email, Channel.InApp, Channel.Sms];
    private static readonly Duration BaseDelay = Duration.FromMinutes(1);

    private static Notification Create(Recipient recipient, IEnumerable<Channel>? channels = null) =>
        Notification.Create(NotificationType.BookingConfirmation, recipient, Guid.NewGuid(), " Booking confirmed ",
            " See you on Tuesday. ", channels ?? AllChannels, Now, "confirm:1");

    private static NotificationDelivery EmailDelivery() =>
        Create(new Recipient("user-1", "ana@example.com", null, "UTC"), [Channel.Email]).Deliveries.Single();

    [Fact]
    public void Create_for_a_member_with_phone_makes_one_pending_delivery_per_channel()
    {
        var notification = Create(new Recipient("user-1", "ana@example.com", "+14155550123", "Europe/Berlin"));

        Assert.Equal(AllChannels, notification.Deliveries.Select(d => d.Channel));
        Assert.All(notification.Deliveries, d =>
        {
            Assert.Equal(DeliveryState.Pending, d.State);
            Assert.Equal(Now, d.NextAttemptAt);
            Assert.Equal(0, d.Attempts);
        });
        Assert.Equal("Booking confirmed", notification.Title);
        Assert.Equal("See you on Tuesday.", notification.Message);
        Assert.Equal("confirm:1", notification.DedupeKey);
        Assert.False(notification.IsRead);
    }

    [Fact]
    public void Create_for_a_guest_skips_in_app()
    {
        var notification = Create(new Recipient(null, "guest@example.com", "+14155550123", "UTC"));

        Assert.Equal([Channel.Email, Channel.Sms], notification.Deliveries.Select(d => d.Channel));
    }

    [Fact]
    public void Create_without_phone_skips_sms()
    {
        var notification = Create(new Recipient("user-1", "ana@example.com", null, "UTC"));

        Assert.Equal([Channel.Email, Channel.InApp], notification.Deliveries.Select(d => d.Channel));
    }

    [Fact]
    public void Create_for_a_guest_without_phone_sends_email_only()
    {
        var notification = Create(new Recipient(null, "guest@example.com", null, "UTC"));

        Assert.Equal(Channel.Email, Assert.Single(notification.Deliveries).Channel);
    }

    [Fact]
    public void Create_with_a_channel_listed_twice_makes_one_delivery()
    {
        var notification = Create(new Recipient("user-1", "ana@example.com", null, "UTC"), [Channel.Email, Channel.Email]);

        Assert.Single(notification.Deliveries);
    }

    [Fact]
    public void Create_without_title_throws()
    {
        Assert.Throws<DomainException>(() =>
            Notification.Create(NotificationType.Reminder24h, new Recipient("user-1", "ana@example.com", null, "UTC"),
                null, "  ", "Body", [Channel.Email], Now));
    }

    [Fact]
    public void Create_with_unknown_zone_throws_on_TimeZone()
    {
        var ex = Assert.Throws<DomainException>(() => Create(new Recipient("user-1", "ana@example.com", null, "Moon/Base")));

        Assert.Equal("TimeZone", ex.Field);
    }

    // --- Delivery (claiming it is the job runner's: Jobs/WorkRunnerTests) ---

    private static readonly RetryPolicy Retry = new(BaseDelay, Duration.FromHours(1), MaxAttempts: 6);

    [Fact]
    public void MarkSent_records_the_sent_time()
    {
        var delivery = EmailDelivery();
        var sentAt = Now + Duration.FromSeconds(3);

        delivery.MarkSent(sentAt);

        Assert.Equal(DeliveryState.Sent, delivery.State);
        Assert.Equal(sentAt, delivery.SentAt);
        Assert.False(delivery.IsOpen);
    }

    [Fact]
    public void MarkSent_twice_throws()
    {
        var delivery = EmailDelivery();
        delivery.MarkSent(Now);

        Assert.Throws<DomainException>(() => delivery.MarkSent(Now));
    }

    [Fact]
    public void A_finished_delivery_can_not_fail_afterwards()
    {
        var delivery = EmailDelivery();
        delivery.MarkSent(Now);

        Assert.Throws<DomainException>(() => delivery.MarkAttemptFailed("smtp down", Now, Retry));
        Assert.Throws<DomainException>(() => delivery.MarkFailedForGood("no such number"));
        Assert.Equal(DeliveryState.Sent, delivery.State);
    }

    [Fact]
    public void A_failed_attempt_waits_as_the_policy_says()
    {
        var delivery = EmailDelivery();

        delivery.MarkAttemptFailed("smtp down", Now, Retry);

        Assert.Equal((DeliveryState.Pending, Now + BaseDelay, "smtp down"), (delivery.State, delivery.NextAttemptAt, delivery.LastError));
    }

    [Fact]
    public void A_refusal_that_can_not_change_fails_for_good_and_an_admin_can_start_it_over()
    {
        var delivery = EmailDelivery();

        delivery.MarkFailedForGood("21211 invalid number");
        Assert.Equal((DeliveryState.Failed, "21211 invalid number"), (delivery.State, delivery.LastError));

        delivery.Retry(Now + Duration.FromHours(1));
        Assert.Equal((DeliveryState.Pending, 0, Now + Duration.FromHours(1)), (delivery.State, delivery.Attempts, delivery.NextAttemptAt));
    }

    [Fact]
    public void Sent_after_a_failed_attempt_clears_the_error()
    {
        var delivery = EmailDelivery();
        delivery.MarkAttemptFailed("timeout", Now, Retry);

        delivery.MarkSent(delivery.NextAttemptAt);

        Assert.Equal(DeliveryState.Sent, delivery.State);
        Assert.Null(delivery.LastError);
    }

    [Fact]
    public void MarkAttemptFailed_keeps_at_most_1000_characters_of_the_error()
    {
        var delivery = EmailDelivery();

        delivery.MarkAttemptFailed(new string('e', 5000), Now, Retry);

        Assert.Equal(1000, delivery.LastError!.Length);
    }
}

[NoDatabase]
public class RetryPolicyTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 1, 9, 0);

    [Fact]
    public void Delays_double_from_the_first_up_to_the_cap()
    {
        var policy = new RetryPolicy(Duration.FromMinutes(1), Duration.FromMinutes(10));

        Assert.Equal(new double[] { 1, 2, 4, 8, 10, 10 }, Enumerable.Range(1, 6).Select(a => policy.DelayAfter(a).TotalMinutes));
    }

    [Fact]
    public void After_the_last_allowed_attempt_there_is_no_next_one()
    {
        var policy = new RetryPolicy(Duration.FromMinutes(1), Duration.FromHours(1), MaxAttempts: 3);

        Assert.Equal(Now + Duration.FromMinutes(2), policy.NextAttempt(2, Now));
        Assert.Null(policy.NextAttempt(3, Now));
    }

    [Fact]
    public void Without_a_maximum_it_never_gives_up()
    {
        var policy = new RetryPolicy(Duration.FromMinutes(1), Duration.FromHours(1));

        Assert.Equal(Now + Duration.FromHours(1), policy.NextAttempt(1000, Now));
    }
}

[NoDatabase]
public class ReviewTests
{
    private static readonly Instant SessionStart = Instant.FromUtc(2026, 3, 10, 15, 0);
    private static readonly Instant Created = Instant.FromUtc(2026, 3, 1, 9, 0);
    private static readonly Instant WrittenAt = Instant.FromUtc(2026, 3, 11, 9, 0);

    private static Booking BookingFor(string? customerUserId)
    {
        var slot = Slot.Create(Guid.NewGuid(), SessionStart, SessionStart + Duration.FromHours(1), "UTC",
            new Money(5000, "USD"), Created);
        var details = new CustomerDetails("Ana Díaz", "ana@example.com", null, "UTC", null);
        return Booking.Place(Guid.NewGuid(), slot, details, customerUserId, Created + Duration.FromMinutes(15), Created);
    }

    private static Booking CompletedBooking(string? customerUserId = "customer-1")
    {
        var booking = BookingFor(customerUserId);
        booking.ConfirmPaid(Created + Duration.FromMinutes(1));
        booking.MarkCompleted(Actor.Specialist("specialist-1"), booking.End);
        return booking;
    }

    private static Review Written() => Review.Write(CompletedBooking(), "specialist-1", "customer-1", 5, "Very helpful", WrittenAt);

    [Fact]
    public void Write_for_a_completed_booking_stores_rating_text_and_author()
    {
        var booking = CompletedBooking();

        var review = Review.Write(booking, "specialist-1", "customer-1", 4, "  Clear and kind.  ", WrittenAt);

        Assert.Equal(booking.Id, review.BookingId);
        Assert.Equal(booking.SpecialistId, review.SpecialistId);
        Assert.Equal("customer-1", review.CustomerUserId);
        Assert.Equal("Ana Díaz", review.AuthorName);
        Assert.Equal(4, review.Rating);
        Assert.Equal("Clear and kind.", review.Text);
        Assert.Equal(WrittenAt, review.CreatedAt);
        Assert.Null(review.UpdatedAt);
        Assert.False(review.IsHidden);
    }

    [Fact]
    public void Write_for_a_confirmed_booking_throws()
    {
        var booking = BookingFor("customer-1");
        booking.ConfirmPaid(Created + Duration.FromMinutes(1));

        Assert.Throws<DomainException>(() => Review.Write(booking, "specialist-1", "customer-1", 5, "Great", WrittenAt));
    }

    [Fact]
    public void Write_for_a_no_show_booking_throws()
    {
        var booking = BookingFor("customer-1");
        booking.ConfirmPaid(Created + Duration.FromMinutes(1));
        booking.MarkNoShow(Actor.Specialist("specialist-1"), booking.End);

        Assert.Throws<DomainException>(() => Review.Write(booking, "specialist-1", "customer-1", 5, "Great", WrittenAt));
    }

    [Fact]
    public void Write_for_a_cancelled_booking_throws()
    {
        var booking = BookingFor("customer-1");
        booking.Cancel(Actor.Customer("customer-1"), null, Created + Duration.FromMinutes(1), CancellationPolicy.Default);

        Assert.Throws<DomainException>(() => Review.Write(booking, "specialist-1", "customer-1", 5, "Great", WrittenAt));
    }

    [Fact]
    public void Write_by_someone_other_than_the_customer_throws()
    {
        var booking = CompletedBooking("customer-1");

        Assert.Throws<DomainException>(() => Review.Write(booking, "specialist-1", "customer-2", 5, "Great", WrittenAt));
    }

    [Fact]
    public void Write_by_the_specialist_of_the_session_throws()
    {
        var booking = CompletedBooking("customer-1");

        Assert.Throws<DomainException>(() => Review.Write(booking, "specialist-1", "specialist-1", 5, "I was great", WrittenAt));
    }

    [Fact]
    public void Write_through_the_booking_link_without_signing_in_is_by_the_customer()
    {
        var review = Review.Write(CompletedBooking("customer-1"), "specialist-1", null, 5, "Great", WrittenAt);

        Assert.Equal("customer-1", review.CustomerUserId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public void Write_with_rating_outside_1_to_5_throws_on_Rating(int rating)
    {
        var ex = Assert.Throws<DomainException>(() => Review.Write(CompletedBooking(), "specialist-1", "customer-1", rating, "Great", WrittenAt));

        Assert.Equal("Rating", ex.Field);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Write_with_rating_at_the_limits_is_accepted(int rating)
    {
        var review = Review.Write(CompletedBooking(), "specialist-1", "customer-1", rating, "Fine", WrittenAt);

        Assert.Equal(rating, review.Rating);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Write_without_text_throws_on_Text(string? text)
    {
        var ex = Assert.Throws<DomainException>(() => Review.Write(CompletedBooking(), "specialist-1", "customer-1", 5, text, WrittenAt));

        Assert.Equal("Text", ex.Field);
    }

    [Fact]
    public void Write_with_text_over_the_maximum_throws_on_Text()
    {
        var ex = Assert.Throws<DomainException>(() =>
            Review.Write(CompletedBooking(), "specialist-1", "customer-1", 5, new string('x', Review.MaxTextLength + 1), WrittenAt));

        Assert.Equal("Text", ex.Field);
    }

    [Fact]
    public void Edit_within_7_days_updates_rating_and_text()
    {
        var review = Written();
        var editedAt = WrittenAt + Duration.FromDays(7);

        Assert.True(review.CanEdit(editedAt));
        review.Edit(3, "Good, ran late", editedAt);

        Assert.Equal(3, review.Rating);
        Assert.Equal("Good, ran late", review.Text);
        Assert.Equal(editedAt, review.UpdatedAt);
    }

    [Fact]
    public void Edit_7_days_and_1_second_after_writing_throws()
    {
        var review = Written();
        var tooLate = WrittenAt + Duration.FromDays(7) + Duration.FromSeconds(1);

        Assert.False(review.CanEdit(tooLate));
        Assert.Throws<DomainException>(() => review.Edit(3, "Changed my mind", tooLate));
        Assert.Equal(5, review.Rating);
        Assert.Null(review.UpdatedAt);
    }

    [Fact]
    public void Edit_with_invalid_rating_throws_and_keeps_the_review()
    {
        var review = Written();

        Assert.Throws<DomainException>(() => review.Edit(9, "New text", WrittenAt + Duration.FromHours(1)));
        Assert.Equal(5, review.Rating);
        Assert.Equal("Very helpful", review.Text);
    }

    [Fact]
    public void Hide_and_Unhide_toggle_visibility()
    {
        var review = Written();

        review.Hide();
        Assert.True(review.IsHidden);

        review.Unhide();
        Assert.False(review.IsHidden);
    }

    [Fact]
    public void Report_keeps_the_first_report_time_and_the_latest_reason()
    {
        var review = Written();
        var first = WrittenAt + Duration.FromHours(1);

        review.Report(" Spam ", first);
        review.Report("Offensive", first + Duration.FromHours(1));

        Assert.Equal(first, review.ReportedAt);
        Assert.Equal("Offensive", review.ReportReason);
    }

    [Fact]
    public void Report_without_reason_keeps_an_earlier_reason()
    {
        var review = Written();
        review.Report("Spam", WrittenAt);

        review.Report("  ", WrittenAt + Duration.FromHours(1));

        Assert.Equal("Spam", review.ReportReason);
    }
}

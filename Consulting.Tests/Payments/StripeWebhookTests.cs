using System.Net;
using System.Text.Json.Nodes;
using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Payments;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace Consulting.Tests.Payments;

/// <summary>The app with Stripe switched on, its API pointed at a local stand-in.</summary>
public sealed class StripeAppFactory : AppFactory
{
    public const string SecretKey = "sk_test_consulting";
    public const string WebhookSecret = "whsec_test_consulting_webhooks";

    public StripeStandIn Stripe { get; private set; } = null!;
    public string? ConfiguredWebhookSecret { get; init; } = WebhookSecret;

    public static async Task<StripeAppFactory> StartAsync(string? webhookSecret = WebhookSecret,
        Action<IServiceCollection>? testServices = null, string? baseUrl = null)
    {
        var app = new StripeAppFactory { ConfiguredWebhookSecret = webhookSecret, TestServices = testServices, BaseUrl = baseUrl };
        // Stripe's clock is the app's fake clock, so the stand-in judges expires_at as Stripe would.
        app.Stripe = await StripeStandIn.StartAsync(() => app.Clock.GetCurrentInstant().ToDateTimeOffset());
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Stripe:SecretKey", SecretKey);
        builder.UseSetting("Stripe:ApiBase", Stripe.ApiBase);
        builder.UseSetting("Stripe:WebhookSecret", ConfiguredWebhookSecret ?? "");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}

public sealed class StripeWebhookTests
{
    private static readonly LocalDate Tuesday = new(2026, 11, 3);

    /// <summary>A booking that has reached Stripe Checkout: slot held, payment pending, session open at the stand-in.</summary>
    private sealed record Pending(Guid BookingId, Guid SlotId, Guid SpecialistId, Guid PaymentId, string SessionId, Instant HoldExpiresAt);

    /// <summary>Everything a webhook may change, read fresh from the database.</summary>
    private sealed record State(
        BookingStatus Booking, SlotState Slot, Guid? SlotBookingId, PaymentStatus Payment, string? PaymentIntentId, string? ChargeId,
        string? FailureReason, string? MeetingUrl, IReadOnlyList<NotificationType> Notifications, int Events,
        IReadOnlyList<RefundStatus> Refunds, int ConfirmedEntries);

    private static void Weekdays9To12(AvailabilitySchedule s, Instant now)
    {
        foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
            s.AddWindow(day, new TimeWindow(new LocalTime(9, 0), new LocalTime(12, 0), 60), now);
    }

    private static async Task<Pending> PendingBookingAsync(StripeAppFactory app)
    {
        var specialist = await app.CreateSignedInAsync(schedule: Weekdays9To12);
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await services.GetRequiredService<SlotGenerator>().GenerateAsync(specialist.Id, Tuesday, Tuesday, false, default);
        var db = services.GetRequiredService<AppDbContext>();
        var slot = await db.Slots.AsNoTracking().Where(s => s.SpecialistId == specialist.Id).OrderBy(s => s.Start).FirstAsync();

        var bookings = services.GetRequiredService<BookingService>();
        var held = Assert.IsType<HoldOutcome.Held>(await bookings.HoldAsync(slot.Id, null, "Europe/London", default));
        var started = await bookings.StartPaymentAsync(held.Booking.Id,
            new CustomerDetails("Ada Customer", "ada@example.com", null, "Europe/London", null), default);
        Assert.StartsWith("https://checkout.stripe.com/", Assert.IsType<PaymentStartOutcome.Redirect>(started).Url);

        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == held.Booking.Id);
        Assert.Equal((StripePaymentGateway.ProviderName, PaymentStatus.Pending), (payment.Provider, payment.Status));
        return new Pending(held.Booking.Id, slot.Id, specialist.Id, payment.Id, payment.CheckoutSessionId!, held.Booking.HoldExpiresAt);
    }

    private static Task<State> StateAsync(StripeAppFactory app, Pending pending) => app.WithDbAsync(async db =>
    {
        var booking = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == pending.BookingId);
        var slot = await db.Slots.AsNoTracking().SingleAsync(s => s.Id == pending.SlotId);
        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == pending.PaymentId);
        var notifications = await db.Notifications.AsNoTracking().Where(n => n.BookingId == pending.BookingId)
            .OrderBy(n => n.Type).Select(n => n.Type).ToListAsync();
        return new State(booking.Status, slot.State, slot.BookingId, payment.Status, payment.PaymentIntentId, payment.ChargeId,
            payment.FailureReason, booking.Meeting?.JoinUrl, notifications, await db.ProcessedWebhookEvents.CountAsync(),
            payment.Refunds.Select(r => r.Status).ToList(), booking.StatusHistory.Count(h => h.Status == BookingStatus.Confirmed));
    });

    private static string Event(StripeAppFactory app, string type, JsonObject data, string? id = null) =>
        StripeWebhookPayloads.Event(type, data, app.Clock.GetCurrentInstant().ToUnixTimeSeconds(), id);

    private static Task<HttpResponseMessage> PostAsync(StripeAppFactory app, string payload, string secret = StripeAppFactory.WebhookSecret,
        Instant? signedAt = null)
    {
        var t = (signedAt ?? app.Clock.GetCurrentInstant()).ToUnixTimeSeconds();
        return app.CreateClient().SendAsync(StripeWebhookPayloads.Request(payload, StripeWebhookPayloads.Signature(payload, secret, t)));
    }

    private static async Task<HttpResponseMessage> SendAsync(StripeAppFactory app, string type, JsonObject data, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await PostAsync(app, Event(app, type, data));
        Assert.True(response.StatusCode == expected, $"{type}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string reasonPart)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        Assert.Contains(reasonPart, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertUntouched(State state)
    {
        Assert.Equal((BookingStatus.Pending, SlotState.Held, PaymentStatus.Pending), (state.Booking, state.Slot, state.Payment));
        Assert.Empty(state.Notifications);
        Assert.Equal(0, state.Events);
    }

    private static void AssertConfirmed(State state, Pending pending)
    {
        Assert.Equal(BookingStatus.Confirmed, state.Booking);
        Assert.Equal((SlotState.Booked, pending.BookingId), (state.Slot, state.SlotBookingId));
        Assert.Equal(PaymentStatus.Succeeded, state.Payment);
        Assert.StartsWith("https://meet.jit.si/Consulting-", state.MeetingUrl);
        Assert.Equal([NotificationType.BookingConfirmation, NotificationType.NewBooking, NotificationType.PaymentReceived], state.Notifications.Order());
        Assert.Equal(1, state.ConfirmedEntries);
    }

    [Fact]
    public async Task A_paid_checkout_confirms_the_booking_books_the_slot_and_creates_the_meeting()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);

        await SendAsync(app, "checkout.session.completed", session);

        var state = await StateAsync(app, pending);
        AssertConfirmed(state, pending);
        Assert.Equal(session["payment_intent"]!.GetValue<string>(), state.PaymentIntentId);
        var recorded = await app.WithDbAsync(db => db.ProcessedWebhookEvents.AsNoTracking().SingleAsync());
        Assert.Equal(("stripe", "checkout.session.completed"), (recorded.Provider, recorded.Type));
    }

    [Fact]
    public async Task A_tampered_payload_is_refused_and_changes_nothing()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var payload = Event(app, "checkout.session.completed", app.Stripe.CompleteSession(pending.SessionId));
        var signature = StripeWebhookPayloads.Signature(payload, StripeAppFactory.WebhookSecret, app.Clock.GetCurrentInstant().ToUnixTimeSeconds());
        var tampered = payload.Replace("\"amount_total\":5000", "\"amount_total\":1");
        Assert.NotEqual(payload, tampered);

        var response = await app.CreateClient().SendAsync(StripeWebhookPayloads.Request(tampered, signature));

        await AssertRefusedAsync(response, "signature");
        AssertUntouched(await StateAsync(app, pending));
    }

    [Fact]
    public async Task An_event_signed_with_another_secret_is_refused()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);

        var response = await PostAsync(app, Event(app, "checkout.session.completed", app.Stripe.CompleteSession(pending.SessionId)),
            secret: "whsec_someone_else");

        await AssertRefusedAsync(response, "signature");
        AssertUntouched(await StateAsync(app, pending));
    }

    [Fact]
    public async Task An_event_signed_longer_ago_than_the_tolerance_is_refused()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var signedAt = app.Clock.GetCurrentInstant();
        var payload = Event(app, "checkout.session.completed", app.Stripe.CompleteSession(pending.SessionId));
        app.Clock.Advance(Duration.FromSeconds(new StripeOptions().WebhookToleranceSeconds + 1));

        var response = await PostAsync(app, payload, signedAt: signedAt);

        await AssertRefusedAsync(response, "tolerance");
        AssertUntouched(await StateAsync(app, pending));
    }

    [Fact]
    public async Task An_event_without_a_signature_is_refused()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);

        var response = await app.CreateClient().SendAsync(StripeWebhookPayloads.Request(
            Event(app, "checkout.session.completed", app.Stripe.CompleteSession(pending.SessionId)), signature: null));

        await AssertRefusedAsync(response, "Stripe-Signature");
        AssertUntouched(await StateAsync(app, pending));
    }

    [Fact]
    public async Task Stripe_without_a_webhook_secret_does_not_start_since_no_payment_could_be_confirmed()
    {
        await using var app = await StripeAppFactory.StartAsync(webhookSecret: null);

        Assert.Contains("Stripe:WebhookSecret is missing", Assert.Single(StartupFailure.Of(app).Failures));
    }

    [Fact]
    public async Task An_event_of_another_API_version_is_refused()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var payload = StripeWebhookPayloads.Event("checkout.session.completed", app.Stripe.CompleteSession(pending.SessionId),
            app.Clock.GetCurrentInstant().ToUnixTimeSeconds(), apiVersion: "2020-08-27");

        var response = await PostAsync(app, payload);

        await AssertRefusedAsync(response, "API version");
        AssertUntouched(await StateAsync(app, pending));
    }

    [Fact]
    public async Task An_oversized_body_is_refused_unread()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var payload = Event(app, "customer.created", new JsonObject { ["id"] = "cus_1", ["object"] = "customer", ["description"] = new string('x', 300_000) });

        var response = await PostAsync(app, payload);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.ProcessedWebhookEvents.CountAsync()));
    }

    [Fact]
    public async Task A_replayed_event_is_acknowledged_and_applied_once()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var payload = Event(app, "checkout.session.completed", app.Stripe.CompleteSession(pending.SessionId));

        var first = await PostAsync(app, payload);
        var replay = await PostAsync(app, payload);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, replay.StatusCode));
        Assert.Equal("Duplicate", await replay.Content.ReadAsStringAsync());
        var state = await StateAsync(app, pending);
        AssertConfirmed(state, pending);
        Assert.Equal(1, state.Events);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_event_apply_it_once()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var payload = Event(app, "checkout.session.completed", app.Stripe.CompleteSession(pending.SessionId));

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(app, payload)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var answers = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Equal(1, answers.Count(a => a == "Applied"));
        var state = await StateAsync(app, pending);
        AssertConfirmed(state, pending);
        Assert.Equal(1, state.Events);
    }

    [Fact]
    public async Task Intent_succeeded_before_checkout_completed_ends_in_the_same_state_with_the_charge_recorded()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);
        var intent = app.Stripe.PaymentIntent(session["payment_intent"]!.GetValue<string>());
        var chargeId = intent["latest_charge"]!.GetValue<string>();
        Assert.StartsWith("ch_", chargeId);

        await SendAsync(app, "payment_intent.succeeded", intent);
        var afterIntent = await StateAsync(app, pending);
        await SendAsync(app, "checkout.session.completed", session);
        var afterBoth = await StateAsync(app, pending);

        AssertConfirmed(afterIntent, pending);
        Assert.Equal((intent["id"]!.GetValue<string>(), chargeId), (afterIntent.PaymentIntentId, afterIntent.ChargeId));
        Assert.Equal(afterIntent with { Events = 2 }, afterBoth with { Notifications = afterIntent.Notifications, Refunds = afterIntent.Refunds });
        Assert.Equal(afterIntent.Notifications, afterBoth.Notifications);
    }

    [Fact]
    public async Task Checkout_completed_then_intent_succeeded_adds_the_charge_and_nothing_else()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);
        var intent = app.Stripe.PaymentIntent(session["payment_intent"]!.GetValue<string>());

        await SendAsync(app, "checkout.session.completed", session);
        await SendAsync(app, "payment_intent.succeeded", intent);

        var state = await StateAsync(app, pending);
        AssertConfirmed(state, pending);
        Assert.Equal(intent["latest_charge"]!.GetValue<string>(), state.ChargeId);
    }

    [Fact]
    public async Task A_failure_reported_after_the_success_leaves_the_booking_confirmed()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);
        var intentId = session["payment_intent"]!.GetValue<string>();

        await SendAsync(app, "checkout.session.completed", session);
        await SendAsync(app, "payment_intent.payment_failed", app.Stripe.DeclinedPaymentIntent(intentId));

        var state = await StateAsync(app, pending);
        AssertConfirmed(state, pending);
        Assert.Null(state.FailureReason);
    }

    [Fact]
    public async Task A_declined_attempt_is_recorded_and_a_later_success_still_confirms()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);
        var intentId = session["payment_intent"]!.GetValue<string>();

        await SendAsync(app, "payment_intent.payment_failed", app.Stripe.DeclinedPaymentIntent(intentId));
        var declined = await StateAsync(app, pending);
        await SendAsync(app, "checkout.session.completed", session);

        Assert.Equal((BookingStatus.Pending, SlotState.Held, PaymentStatus.Failed, "Your card was declined."),
            (declined.Booking, declined.Slot, declined.Payment, declined.FailureReason));
        AssertConfirmed(await StateAsync(app, pending), pending);
    }

    [Fact]
    public async Task Charge_refunded_marks_the_payment_refunded()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);
        var intent = app.Stripe.PaymentIntent(session["payment_intent"]!.GetValue<string>());
        await SendAsync(app, "checkout.session.completed", session);
        await SendAsync(app, "payment_intent.succeeded", intent);
        var charge = RefundedInFull(app.Stripe.Charge(intent["latest_charge"]!.GetValue<string>()));

        await SendAsync(app, "charge.refunded", charge);

        var state = await StateAsync(app, pending);
        Assert.Equal(PaymentStatus.Refunded, state.Payment);
        Assert.Equal([RefundStatus.Succeeded], state.Refunds);
    }

    [Fact]
    public async Task A_partial_refund_at_Stripe_is_recorded_and_the_payment_and_booking_stand()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);
        await SendAsync(app, "checkout.session.completed", session);
        var charge = app.Stripe.Charge(app.Stripe.PaymentIntent(session["payment_intent"]!.GetValue<string>())["latest_charge"]!.GetValue<string>());
        charge["amount_refunded"] = 1000;

        await SendAsync(app, "charge.refunded", charge);

        var state = await StateAsync(app, pending);
        Assert.Equal((BookingStatus.Confirmed, PaymentStatus.Succeeded), (state.Booking, state.Payment));
        Assert.Equal([RefundStatus.Succeeded], state.Refunds);
        Assert.Equal(2, state.Events);
    }

    [Fact]
    public async Task A_refund_reported_before_the_payment_is_deferred_until_the_payment_is_recorded()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);
        var intent = app.Stripe.PaymentIntent(session["payment_intent"]!.GetValue<string>());
        var refunded = Event(app, "charge.refunded", RefundedInFull(app.Stripe.Charge(intent["latest_charge"]!.GetValue<string>())));
        // As when the PaymentIntent is known from the start: the refund matches the payment before its success does.
        await app.WithDbAsync(async db =>
        {
            (await db.Payments.SingleAsync(p => p.Id == pending.PaymentId)).AttachProviderIds(null, intent["id"]!.GetValue<string>());
            await db.SaveChangesAsync();
        });

        var early = await PostAsync(app, refunded);
        var deferred = await StateAsync(app, pending);
        await SendAsync(app, "payment_intent.succeeded", intent);
        var redelivered = await PostAsync(app, refunded);

        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        AssertUntouched(deferred);
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        var state = await StateAsync(app, pending);
        // Refunded without a request of ours (as from Stripe's dashboard): the session is cancelled.
        Assert.Equal((BookingStatus.Cancelled, PaymentStatus.Refunded, 2), (state.Booking, state.Payment, state.Events));
    }

    [Fact]
    public async Task Checkout_expired_after_the_hold_expires_the_booking_and_frees_the_slot()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        app.Clock.Advance(pending.HoldExpiresAt - app.Clock.GetCurrentInstant() + Duration.FromMinutes(16));

        await SendAsync(app, "checkout.session.expired", app.Stripe.ExpireSession(pending.SessionId));

        var state = await StateAsync(app, pending);
        Assert.Equal((BookingStatus.Expired, SlotState.Available, null), (state.Booking, state.Slot, state.SlotBookingId));
        Assert.Equal((PaymentStatus.Failed, "Checkout expired"), (state.Payment, state.FailureReason));
        Assert.Empty(state.Notifications);
        // The session had already ended at Stripe: nothing is asked of it again.
        Assert.DoesNotContain(app.Stripe.Requests, r => r.Path.EndsWith("/expire"));
    }

    [Fact]
    public async Task A_payment_after_the_hold_expired_confirms_while_the_time_is_still_free()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        // Paid at the last moment; the hold job runs before the webhook arrives and finds the session complete.
        var session = app.Stripe.CompleteSession(pending.SessionId);
        app.Clock.Advance(pending.HoldExpiresAt - app.Clock.GetCurrentInstant() + Duration.FromMinutes(1));
        Assert.Equal(1, await ReleaseExpiredHoldsAsync(app));
        Assert.Equal((BookingStatus.Expired, SlotState.Available), await BookingAndSlotAsync(app, pending));

        await SendAsync(app, "checkout.session.completed", session);

        AssertConfirmed(await StateAsync(app, pending), pending);
        Assert.Empty(app.Stripe.RequestsTo("POST", "/v1/refunds"));
    }

    [Fact]
    public async Task A_payment_after_the_time_went_to_someone_else_is_refunded_at_Stripe_and_the_customer_told()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);
        var other = await ExpireAndGiveTheSlotToAnotherCustomerAsync(app, pending);

        await SendAsync(app, "checkout.session.completed", session);

        var state = await StateAsync(app, pending);
        Assert.Equal(BookingStatus.Expired, state.Booking);
        Assert.Equal((SlotState.Held, other), (state.Slot, state.SlotBookingId));
        Assert.Equal(PaymentStatus.Refunded, state.Payment);
        Assert.Equal([RefundStatus.Succeeded], state.Refunds);
        Assert.Equal([NotificationType.RefundProcessed], state.Notifications);
        Assert.Null(state.MeetingUrl);

        var refund = await app.WithDbAsync(db => db.Payments.AsNoTracking().Where(p => p.Id == pending.PaymentId).Select(p => p.Refunds.Single()).SingleAsync());
        var sent = Assert.Single(app.Stripe.RequestsTo("POST", "/v1/refunds"));
        Assert.Equal(refund.IdempotencyKey, sent.IdempotencyKey);
        Assert.Equal((session["payment_intent"]!.GetValue<string>(), "5000"), (sent.Field("payment_intent"), sent.Field("amount")));
        Assert.Equal(Assert.Single(app.Stripe.Refunds)["id"]!.GetValue<string>(), refund.ProviderRefundId);

        // Stripe then reports the refund; it is already recorded.
        var intent = app.Stripe.PaymentIntent(session["payment_intent"]!.GetValue<string>());
        await SendAsync(app, "charge.refunded", app.Stripe.Charge(intent["latest_charge"]!.GetValue<string>()));
        Assert.Equal(state with { Events = 2 }, await StateAsync(app, pending) with { Notifications = state.Notifications, Refunds = state.Refunds });
    }

    [Fact]
    public async Task A_refund_that_fails_at_Stripe_stays_recorded_and_the_refund_job_completes_it_once()
    {
        var gateway = new RefundFailsOnce();
        await using var app = await StripeAppFactory.StartAsync(testServices: services =>
        {
            services.RemoveAll<IPaymentGateway>();
            services.AddSingleton<IPaymentGateway>(sp => gateway.Wrap(sp.GetRequiredService<StripePaymentGateway>()));
        });
        var pending = await PendingBookingAsync(app);
        var session = app.Stripe.CompleteSession(pending.SessionId);
        await ExpireAndGiveTheSlotToAnotherCustomerAsync(app, pending);
        var payload = Event(app, "checkout.session.completed", session);

        // The event is applied (refund recorded) and acknowledged; the provider call after it fails.
        var first = await PostAsync(app, payload);
        var afterFailure = await StateAsync(app, pending);
        var replayed = await PostAsync(app, payload);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal((BookingStatus.Expired, PaymentStatus.RefundPending, 1), (afterFailure.Booking, afterFailure.Payment, afterFailure.Events));
        Assert.Empty(afterFailure.Notifications);
        Assert.Empty(app.Stripe.Refunds);

        // The job retries after its back-off and refunds once, under the refund's own idempotency key.
        app.Clock.Advance(RefundJobs.RetryDelay);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<RefundJobs>().RunDueAsync(CancellationToken.None));
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<RefundJobs>().RunDueAsync(CancellationToken.None));
        var state = await StateAsync(app, pending);
        Assert.Equal((PaymentStatus.Refunded, 1), (state.Payment, state.Events));
        Assert.Equal([NotificationType.RefundProcessed], state.Notifications);
        Assert.Single(app.Stripe.Refunds);
    }

    [Fact]
    public async Task An_event_for_a_payment_we_do_not_know_is_acknowledged_and_recorded()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);
        var foreign = new JsonObject
        {
            ["id"] = "cs_test_from_another_integration", ["object"] = "checkout.session", ["mode"] = "payment",
            ["payment_status"] = "paid", ["status"] = "complete", ["payment_intent"] = "pi_other", ["metadata"] = new JsonObject(),
        };

        var response = await SendAsync(app, "checkout.session.completed", foreign);

        Assert.Equal("UnknownPayment", await response.Content.ReadAsStringAsync());
        var state = await StateAsync(app, pending);
        Assert.Equal((BookingStatus.Pending, PaymentStatus.Pending, 1), (state.Booking, state.Payment, state.Events));
    }

    [Fact]
    public async Task An_event_type_we_do_not_handle_is_acknowledged_and_ignored()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var pending = await PendingBookingAsync(app);

        var response = await SendAsync(app, "customer.created", new JsonObject { ["id"] = "cus_1", ["object"] = "customer", ["email"] = "ada@example.com" });

        Assert.Equal("Ignored", await response.Content.ReadAsStringAsync());
        var state = await StateAsync(app, pending);
        Assert.Equal((BookingStatus.Pending, PaymentStatus.Pending, 1), (state.Booking, state.Payment, state.Events));
    }

    [Fact]
    public async Task Stripe_is_the_payment_provider_when_its_key_is_set_and_the_test_provider_otherwise()
    {
        await using var stripe = await StripeAppFactory.StartAsync();
        using var plain = new AppFactory();

        Assert.IsType<StripePaymentGateway>(stripe.GetService<IPaymentGateway>());
        Assert.IsType<TestPaymentGateway>(plain.GetService<IPaymentGateway>());
    }

    private static JsonObject RefundedInFull(JsonObject charge)
    {
        charge["amount_refunded"] = charge["amount"]!.GetValue<long>();
        charge["refunded"] = true;
        return charge;
    }

    private static async Task<int> ReleaseExpiredHoldsAsync(StripeAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HoldExpiry>().ReleaseExpiredAsync(default);
    }

    private static Task<(BookingStatus, SlotState)> BookingAndSlotAsync(StripeAppFactory app, Pending pending) => app.WithDbAsync(async db =>
        ((await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == pending.BookingId)).Status,
         (await db.Slots.AsNoTracking().SingleAsync(s => s.Id == pending.SlotId)).State));

    /// <summary>The hold runs out, the job releases the slot, and another customer holds it. Returns their booking id.</summary>
    private static async Task<Guid> ExpireAndGiveTheSlotToAnotherCustomerAsync(StripeAppFactory app, Pending pending)
    {
        app.Clock.Advance(pending.HoldExpiresAt - app.Clock.GetCurrentInstant() + Duration.FromMinutes(1));
        Assert.Equal(1, await ReleaseExpiredHoldsAsync(app));
        await using var scope = app.Services.CreateAsyncScope();
        var held = await scope.ServiceProvider.GetRequiredService<BookingService>().HoldAsync(pending.SlotId, null, "Europe/Paris", default);
        return Assert.IsType<HoldOutcome.Held>(held).Booking.Id;
    }

    /// <summary>The real Stripe gateway, except that the first refund dies mid-request (a crash or lost connection).</summary>
    private sealed class RefundFailsOnce
    {
        private int _failures = 1;

        public IPaymentGateway Wrap(IPaymentGateway inner) => new Gateway(inner, this);

        private sealed class Gateway(IPaymentGateway inner, RefundFailsOnce owner) : IPaymentGateway
        {
            public string Name => inner.Name;
            public bool IsTestMode => inner.IsTestMode;
            public Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct) => inner.StartCheckoutAsync(request, ct);
            public Task CancelCheckoutAsync(Payment payment, CancellationToken ct) => inner.CancelCheckoutAsync(payment, ct);

            public Task<RefundOutcome> RefundAsync(Payment payment, Refund refund, CancellationToken ct) =>
                Interlocked.Decrement(ref owner._failures) >= 0
                    ? throw new HttpRequestException("The connection was reset.")
                    : inner.RefundAsync(payment, refund, ct);
        }
    }
}

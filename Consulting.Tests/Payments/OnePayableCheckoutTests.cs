using System.Net;
using System.Text.Json.Nodes;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using NodaTime;

namespace Consulting.Tests.Payments;

/// <summary>
/// Stripe through the real pipeline and the stand-in: concurrent posts of the details form leave one
/// payable checkout, a second payment of a booking goes back with the customer told, and refunds made
/// in Stripe's dashboard are taken into account (in full: the session is off; partly: recorded).
/// </summary>
public sealed class OnePayableCheckoutTests
{
    private sealed record Paid(BookableSpecialist Specialist, Guid BookingId, Guid SlotId, Payment Payment);

    private static async Task<(CheckoutPage Checkout, Slot Slot)> CheckoutAsync(StripeAppFactory app, BookableSpecialist specialist)
    {
        var week = await OpenTimesPage.OpenAsync(app.CreateBrowserLikeClient(), specialist.Slug, "2026-11-09", "Europe/London");
        var slot = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0));
        return (await week.HoldAsync(slot), slot);
    }

    private static Task<HttpResponseMessage> GiveDetailsAsync(CheckoutPage checkout) => checkout.SubmitDetailsAsync("Ada Customer", "ada@example.com");

    private static async Task SendAsync(StripeAppFactory app, string type, JsonObject data)
    {
        var payload = StripeWebhookPayloads.Event(type, data, app.Clock.GetCurrentInstant().ToUnixTimeSeconds());
        var signature = StripeWebhookPayloads.Signature(payload, StripeAppFactory.WebhookSecret, app.Clock.GetCurrentInstant().ToUnixTimeSeconds());
        var response = await app.CreateClient().SendAsync(StripeWebhookPayloads.Request(payload, signature));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{type}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static Task<List<Payment>> PaymentsAsync(StripeAppFactory app, Guid bookingId) =>
        app.WithDbAsync(db => db.Payments.AsNoTracking().Where(p => p.BookingId == bookingId).OrderBy(p => p.CreatedAt).ToListAsync());

    private static Task<List<Notification>> NotificationsAsync(StripeAppFactory app, Guid bookingId) =>
        app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.BookingId == bookingId).ToListAsync());

    [Fact]
    public async Task Six_concurrent_posts_of_the_details_form_leave_one_open_checkout_and_a_second_payment_is_refunded()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var specialist = await app.CreateSpecialistWithSlotsAsync("Europe/London");
        var (checkout, slot) = await CheckoutAsync(app, specialist);

        var posts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => GiveDetailsAsync(checkout)));

        Assert.All(posts, p => Assert.Equal(HttpStatusCode.Redirect, p.StatusCode));
        Assert.All(posts, p => Assert.StartsWith("https://checkout.stripe.com/c/pay/cs_test_", p.Headers.Location!.OriginalString));
        var bookingId = await app.WithDbAsync(db => db.Bookings.Where(b => b.SlotId == slot.Id).Select(b => b.Id).SingleAsync());
        var payments = await PaymentsAsync(app, bookingId);
        // Each checkout the app opened is on a payment row of its own, and only the last is still payable.
        var sessions = payments.Select(p => p.CheckoutSessionId!).ToList();
        Assert.Equal(app.Stripe.RequestsTo("POST", "/v1/checkout/sessions").Count(r => !r.Replayed), sessions.Distinct().Count());
        Assert.Equal(payments.Count, sessions.Distinct().Count());
        var open = Assert.Single(sessions, id => app.Stripe.Session(id)["status"]!.GetValue<string>() == "open");
        Assert.Equal(open, Assert.Single(payments, p => p.Status == PaymentStatus.Pending).CheckoutSessionId);

        // The customer pays the open checkout, and (in a tab left open) an older one Stripe hadn't expired in time.
        var older = sessions.Last(id => id != open);
        await SendAsync(app, "checkout.session.completed", app.Stripe.CompleteSession(open));
        await SendAsync(app, "checkout.session.completed", app.Stripe.CompleteSession(older));

        var booking = await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId));
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        payments = await PaymentsAsync(app, bookingId);
        var first = payments.Single(p => p.CheckoutSessionId == open);
        var second = payments.Single(p => p.CheckoutSessionId == older);
        Assert.Equal(PaymentStatus.Succeeded, first.Status);
        Assert.Equal(PaymentStatus.Refunded, second.Status);
        Assert.NotEqual(first.PaymentIntentId, second.PaymentIntentId);
        var refund = Assert.Single(app.Stripe.RequestsTo("POST", "/v1/refunds"));
        Assert.Equal(second.PaymentIntentId, refund.Field("payment_intent"));
        var told = Assert.Single(await NotificationsAsync(app, bookingId), n => n.Type == NotificationType.RefundProcessed);
        Assert.Equal("ada@example.com", told.RecipientEmail);
        Assert.StartsWith("This booking was already paid. We refunded €50.00", told.Message);
    }

    private static async Task<Paid> PaidBookingAsync(StripeAppFactory app)
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync("Europe/London");
        var (checkout, slot) = await CheckoutAsync(app, specialist);
        Assert.Equal(HttpStatusCode.Redirect, (await GiveDetailsAsync(checkout)).StatusCode);
        var bookingId = await app.WithDbAsync(db => db.Bookings.Where(b => b.SlotId == slot.Id).Select(b => b.Id).SingleAsync());
        var session = app.Stripe.CompleteSession(Assert.Single(await PaymentsAsync(app, bookingId)).CheckoutSessionId!);
        await SendAsync(app, "checkout.session.completed", session);
        await SendAsync(app, "payment_intent.succeeded", app.Stripe.PaymentIntent(session["payment_intent"]!.GetValue<string>()));
        var payment = Assert.Single(await PaymentsAsync(app, bookingId));
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        return new Paid(specialist, bookingId, slot.Id, payment);
    }

    [Fact]
    public async Task A_full_refund_made_in_Stripes_dashboard_cancels_the_session_as_a_specialist_cancellation_would()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var paid = await PaidBookingAsync(app);
        var charge = app.Stripe.Charge(paid.Payment.ChargeId!);
        charge["amount_refunded"] = charge["amount"]!.GetValue<long>();
        charge["refunded"] = true;

        await SendAsync(app, "charge.refunded", charge);

        var (booking, slot) = await app.WithDbAsync(async db => (
            await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == paid.BookingId),
            await db.Slots.AsNoTracking().SingleAsync(s => s.Id == paid.SlotId)));
        Assert.Equal(BookingStatus.Cancelled, booking.Status);
        Assert.Equal((SlotState.Available, null), (slot.State, slot.BookingId));
        Assert.Null(booking.Meeting);
        var payment = Assert.Single(await PaymentsAsync(app, paid.BookingId));
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        // The money is already back: nothing more is asked of Stripe.
        Assert.Empty(app.Stripe.RequestsTo("POST", "/v1/refunds"));
        var cancelled = (await NotificationsAsync(app, paid.BookingId)).Where(n => n.Type == NotificationType.Cancelled).ToList();
        Assert.Equal(new[] { "ada@example.com", paid.Specialist.Email }.Order(), cancelled.Select(n => n.RecipientEmail).Order());
        Assert.Contains("was refunded in full, so the session on", cancelled.Single(n => n.RecipientEmail == "ada@example.com").Message);

        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().RunDueAsync(CancellationToken.None);
        var cancels = new List<string>();
        foreach (var file in Directory.GetFiles(app.MailDirectory, "*.eml"))
        {
            var message = await MimeMessage.LoadAsync(file);
            if (message.BodyParts.OfType<TextPart>().FirstOrDefault(p => p.ContentType.IsMimeType("text", "calendar")) is { } calendar
                && IcsValidator.Validate(Notifications.EmailComposerTests.Ics(calendar)).Method == "CANCEL")
                cancels.Add(message.To.Mailboxes.Single().Address);
        }
        Assert.Equal(new[] { "ada@example.com", paid.Specialist.Email }.Order(), cancels.Order());
    }

    [Fact]
    public async Task A_partial_refund_made_in_Stripes_dashboard_is_recorded_and_shown_on_the_admin_booking_page()
    {
        await using var app = await StripeAppFactory.StartAsync();
        var paid = await PaidBookingAsync(app);
        var charge = app.Stripe.Charge(paid.Payment.ChargeId!);
        charge["amount_refunded"] = 1000L;

        await SendAsync(app, "charge.refunded", charge);
        // Stripe sends the event again for a later partial refund, with the new total.
        charge["amount_refunded"] = 1500L;
        await SendAsync(app, "charge.refunded", charge);

        var booking = await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == paid.BookingId));
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        var payment = Assert.Single(await PaymentsAsync(app, paid.BookingId));
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal([1000L, 500L], payment.Refunds.OrderByDescending(r => r.AmountMinor).Select(r => r.AmountMinor));
        Assert.Equal(1500L, payment.RefundedMinor);

        var admin = await app.CreateCustomerAsync("Ada Admin");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByIdAsync(admin.UserId))!, Roles.Admin)).Succeeded);
        }
        var client = app.CreateBrowserLikeClient();
        await client.SignInOrFailAsync(admin.Email, CustomerAccounts.Password);
        var page = await client.GetPageAsync($"/admin/bookings/{paid.BookingId}");
        var refunds = page.QuerySelectorAll(".refund").Select(r => r.Text()).ToList();
        Assert.Equal(2, refunds.Count);
        Assert.All(refunds, r => Assert.Contains("Partly refunded at the payment provider", r));
        Assert.Contains(refunds, r => r.StartsWith("€10.00"));
        Assert.Contains(refunds, r => r.StartsWith("€5.00"));
    }
}

using System.Text;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using Stripe;
using Stripe.Checkout;

namespace Consulting.Web.Payments;

/// <summary>
/// <c>POST /webhooks/stripe</c>: verifies Stripe's signature over the raw body, then applies the
/// event once (<see cref="StripeEventApplier"/>).
/// </summary>
public static class StripeWebhook
{
    public const string Path = "/webhooks/stripe";
    public const string SignatureHeader = "Stripe-Signature";
    /// <summary>Stripe's events are a few KB; anything near this is not from Stripe.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static RouteHandlerBuilder MapStripeWebhook(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, HandleAsync)
            // Stripe can't carry an antiforgery token; the signature is what authenticates it.
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(HttpContext http, IOptions<StripeOptions> options, IClock clock,
        StripeEventApplier applier, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(StripeWebhook));
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.WebhookSecret))
        {
            log.LogError("A Stripe webhook arrived but Stripe:WebhookSecret is not set; it was refused");
            return Refuse("Webhook signing secret is not configured.");
        }
        string? signature = http.Request.Headers[SignatureHeader];
        if (string.IsNullOrWhiteSpace(signature)) return Refuse("Missing Stripe-Signature header.");

        var json = await ReadBodyAsync(http.Request, ct);
        if (json is null) return Results.Text("Payload too large.", statusCode: StatusCodes.Status413PayloadTooLarge);

        Event stripeEvent;
        try
        {
            // "Now" comes from the injected clock, so the staleness window is testable. Events must
            // carry the API version Stripe.net is pinned to (the webhook endpoint is created with it),
            // or their objects would be read with the wrong shape.
            stripeEvent = EventUtility.ConstructEvent(json, signature, settings.WebhookSecret,
                settings.WebhookToleranceSeconds, clock.GetCurrentInstant().ToUnixTimeSeconds(), throwOnApiVersionMismatch: true);
        }
        catch (StripeException e)
        {
            log.LogWarning("Refused a Stripe webhook: {Reason}", e.Message);
            return Refuse(e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only a sender holding the secret gets past the signature, so this is a malformed payload.
            log.LogWarning(e, "Refused a Stripe webhook that could not be read");
            return Refuse("Malformed event.");
        }

        try
        {
            var result = await applier.ApplyOnceAsync(stripeEvent, ct);
            return result == EventResult.NotYet
                // Stripe retries a non-2xx with back-off; by then the event this one depends on has arrived.
                ? Results.Text("The payment this event refers to has not succeeded yet; retry later.", statusCode: StatusCodes.Status409Conflict)
                : Results.Text(result.ToString(), statusCode: StatusCodes.Status200OK);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Stripe event {EventId} ({Type}) could not be applied; Stripe will retry", stripeEvent.Id, stripeEvent.Type);
            return Results.Text("The event could not be applied.", statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    private static IResult Refuse(string reason) => Results.Text(reason, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>The raw body exactly as sent (the signature covers these bytes), or null when it is too large.</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

public enum EventResult
{
    Applied,
    /// <summary>This event id was applied before (Stripe delivers at least once).</summary>
    Duplicate,
    /// <summary>A type or state we don't act on; recorded so it is not looked at again.</summary>
    Ignored,
    /// <summary>No payment of ours matches; recorded and answered 200 so Stripe stops retrying.</summary>
    UnknownPayment,
    /// <summary>Arrived before an event it depends on; not recorded, so Stripe delivers it again.</summary>
    NotYet,
}

/// <summary>
/// Applies a verified Stripe event through <see cref="PaymentOutcomes"/>, and what it means for the
/// booking through <see cref="IBookingPaymentEvents"/>.
/// The event id is recorded in the same transaction as the effect: both are committed, or neither.
/// </summary>
public sealed class StripeEventApplier(
    AppDbContext db,
    PaymentOutcomes outcomes,
    IBookingPaymentEvents bookings,
    FollowUps followUps,
    IClock clock,
    ILogger<StripeEventApplier> log)
{
    public const string Provider = StripePaymentGateway.ProviderName;

    public async Task<EventResult> ApplyOnceAsync(Event stripeEvent, CancellationToken ct)
    {
        // PaymentOutcomes and the booking's side share this scoped DbContext, so their SaveChanges calls run
        // inside this transaction (EF uses Database.CurrentTransaction) and commit with the event row.
        // SQLite begins it IMMEDIATE: concurrent deliveries of one event queue here, and the second
        // finds the first one's row.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.ProcessedWebhookEvents.AnyAsync(e => e.Id == stripeEvent.Id, ct))
        {
            log.LogInformation("Stripe event {EventId} ({Type}) was already applied", stripeEvent.Id, stripeEvent.Type);
            return EventResult.Duplicate;
        }
        try
        {
            db.ProcessedWebhookEvents.Add(new ProcessedWebhookEvent
            {
                Id = stripeEvent.Id, Provider = Provider, Type = stripeEvent.Type, ReceivedAt = clock.GetCurrentInstant(),
            });
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A store without SQLite's write lock can lose the insert race: the winner's row is then there.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            if (await db.ProcessedWebhookEvents.AnyAsync(e => e.Id == stripeEvent.Id, ct)) return EventResult.Duplicate;
            throw;
        }

        var result = await ApplyAsync(stripeEvent, ct);
        if (result == EventResult.NotYet)
        {
            await tx.RollbackAsync(ct);
            return result;
        }
        await tx.CommitAsync(ct);
        log.LogInformation("Stripe event {EventId} ({Type}): {Result}", stripeEvent.Id, stripeEvent.Type, result);
        // Outside the transaction: the meeting set-up and refunds the event left behind for its booking.
        if (PaymentOf(stripeEvent) is { } reference && await outcomes.FindAsync(reference, ct) is { } payment)
            await followUps.ForBookingAsync(payment.BookingId, ct);
        return result;
    }

    /// <summary>Whichever ids of ours an event we act on carries.</summary>
    private static PaymentRef? PaymentOf(Event e) => e.Data.Object switch
    {
        // The payment id in the metadata names the row the checkout was opened for, exactly.
        Session session => new PaymentRef(PaymentId: PaymentIdOf(session.Metadata), CheckoutSessionId: session.Id,
            PaymentIntentId: session.PaymentIntentId, BookingId: BookingIdOf(session.Metadata) ?? ParseGuid(session.ClientReferenceId)),
        PaymentIntent intent => new PaymentRef(PaymentId: PaymentIdOf(intent.Metadata), PaymentIntentId: intent.Id, BookingId: BookingIdOf(intent.Metadata)),
        Charge charge => new PaymentRef(ChargeId: charge.Id, PaymentIntentId: charge.PaymentIntentId),
        _ => null,
    };

    private async Task<EventResult> ApplyAsync(Event e, CancellationToken ct)
    {
        switch (e.Type, e.Data.Object, PaymentOf(e))
        {
            case (EventTypes.CheckoutSessionCompleted, Session session, { } reference):
                // "unpaid" means a delayed method (e.g. a bank debit): payment_intent.succeeded follows.
                if (session.PaymentStatus != "paid") return EventResult.Ignored;
                return Map(session.Id, await outcomes.SucceededAsync(reference, chargeId: null, ct));

            case (EventTypes.CheckoutSessionExpired, Session session, { } reference):
                return await CheckoutExpiredAsync(session, reference, ct);

            case (EventTypes.PaymentIntentSucceeded, PaymentIntent intent, { } reference):
                // The charge is latest_charge; current API versions no longer embed charges.data.
                return Map(intent.Id, await outcomes.SucceededAsync(reference, intent.LatestChargeId, ct));

            case (EventTypes.PaymentIntentPaymentFailed, PaymentIntent intent, { } reference):
                return Map(intent.Id, await outcomes.FailedAsync(reference, intent.LastPaymentError?.Message ?? "The payment was declined.", ct));

            case (EventTypes.ChargeRefunded, Charge charge, { } reference):
                return await ChargeRefundedAsync(charge, reference, ct);

            default:
                return EventResult.Ignored;
        }
    }

    private async Task<EventResult> CheckoutExpiredAsync(Session session, PaymentRef reference, CancellationToken ct)
    {
        var payment = await outcomes.FindAsync(reference, ct);
        if (payment is null) return Unknown(session.Id);

        // Only the payment's current session speaks for it: after the customer changed their details
        // a newer session may still be open for the same payment.
        var current = payment.CheckoutSessionId is null || payment.CheckoutSessionId == session.Id;
        if (current && payment.Status == PaymentStatus.Pending)
            await outcomes.FailedAsync(new PaymentRef(PaymentId: payment.Id), Payment.ExpiredCheckout, ct);

        // After the payment is marked failed, so the hold's expiry has no open checkout left to end at Stripe.
        var booking = await db.Bookings.AsNoTracking().Where(b => b.Id == payment.BookingId).Select(b => new { b.Status }).SingleOrDefaultAsync(ct);
        if (booking?.Status == BookingStatus.Pending) await bookings.CheckoutExpiredAsync(payment.BookingId, ct);
        return EventResult.Applied;
    }

    private async Task<EventResult> ChargeRefundedAsync(Charge charge, PaymentRef reference, CancellationToken ct)
    {
        var payment = await outcomes.FindAsync(reference, ct);
        if (payment is null) return Unknown(charge.Id);
        // A refund can only follow a success. Applied now it would be dropped (PaymentOutcomes ignores a
        // refund of a pending payment), and the late success would leave the payment recorded as paid.
        if (payment.Status is PaymentStatus.Pending or PaymentStatus.Failed) return EventResult.NotYet;
        var own = new PaymentRef(PaymentId: payment.Id);
        // charge.refunded also reports partial refunds (made in Stripe's dashboard): recorded, the booking stands.
        if (!charge.Refunded) return Map(charge.Id, await outcomes.PartlyRefundedAsync(own, charge.AmountRefunded, ct));
        // In full: with no refund of ours in flight someone refunded it at Stripe, and the session is
        // cancelled with it (Payment raises PaymentRefundedAtProvider; BookingConsequences cancels).
        return Map(charge.Id, await outcomes.RefundedAsync(own, ct));
    }

    private EventResult Unknown(string stripeId)
    {
        log.LogWarning("No payment matches Stripe object {StripeId}; the event is acknowledged and ignored", stripeId);
        return EventResult.UnknownPayment;
    }

    private EventResult Map(string stripeId, PaymentApplied applied) =>
        applied == PaymentApplied.Unknown ? Unknown(stripeId) : EventResult.Applied;

    private static Guid? BookingIdOf(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(StripePaymentGateway.MetadataKeys.BookingId, out var id) ? ParseGuid(id) : null;

    private static Guid? PaymentIdOf(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(StripePaymentGateway.MetadataKeys.PaymentId, out var id) ? ParseGuid(id) : null;

    private static Guid? ParseGuid(string? text) => Guid.TryParse(text, out var id) ? id : null;
}

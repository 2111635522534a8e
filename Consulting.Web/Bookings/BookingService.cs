using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Payments;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Bookings;

public abstract record HoldOutcome
{
    public sealed record Held(Booking Booking) : HoldOutcome;
    /// <summary>Someone else got there first (or it is too late); the nearest open times instead.</summary>
    public sealed record Taken(Guid SpecialistId, IReadOnlyList<OpenSlot> Alternatives) : HoldOutcome;
    public sealed record NoSuchSlot : HoldOutcome;
    /// <summary>A specialist chose one of their own times: they block it in their calendar instead.</summary>
    public sealed record OwnSlot : HoldOutcome;
}

/// <summary>A booking as its pages show it.</summary>
public sealed record BookingPageData(Booking Booking, SpecialistProfile Specialist, Payment? Payment);

public abstract record PaymentStartOutcome
{
    public sealed record Redirect(string Url) : PaymentStartOutcome;
    public sealed record HoldEnded : PaymentStartOutcome;
    public sealed record NotPending(BookingStatus Status) : PaymentStartOutcome;
}

public abstract record TestCardOutcome
{
    public sealed record Paid(PaymentApplied Applied) : TestCardOutcome;
    public sealed record Declined(string Message) : TestCardOutcome;
    public sealed record HoldEnded : TestCardOutcome;
    public sealed record NotPending(BookingStatus Status) : TestCardOutcome;
}

/// <summary>The customer's side of booking: hold a slot, give details, pay.</summary>
public sealed class BookingService(
    AppDbContext db,
    OpenSlots openSlots,
    BookingLinks links,
    IPaymentGateway gateway,
    PaymentOutcomes outcomes,
    FollowUps followUps,
    UserManager<AppUser> users,
    HoldWriter writer,
    AbsoluteUrls urls,
    OfferRules offerRules,
    IClock clock,
    IOptions<BookingOptions> options)
{
    /// <summary>
    /// Holds a slot for a new pending booking. The hold is one conditional UPDATE ("... WHERE State =
    /// Available" and the booking rules, see <see cref="HoldWriter"/>): under any number of concurrent
    /// attempts exactly one matches the row; the others get the nearest open alternatives.
    /// </summary>
    public async Task<HoldOutcome> HoldAsync(Guid slotId, string? userId, string customerZoneId, CancellationToken ct)
    {
        using var activity = AppTelemetry.Source.StartActivity("hold slot");
        activity?.SetTag("consulting.slot.id", slotId);
        var outcome = await TryHoldAsync(slotId, userId, customerZoneId, ct);
        activity?.SetTag("consulting.hold.outcome", outcome.GetType().Name);
        if (outcome is HoldOutcome.Held held)
        {
            activity?.SetTag("consulting.booking.id", held.Booking.Id);
            AppTelemetry.HoldsWon.Add(1);
        }
        else if (outcome is HoldOutcome.Taken)
        {
            AppTelemetry.HoldsLost.Add(1);
        }
        return outcome;
    }

    private async Task<HoldOutcome> TryHoldAsync(Guid slotId, string? userId, string customerZoneId, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var until = now + options.Value.Hold;

        // Everything but the decisive write happens before it is queued: the slot (the write checks
        // that it is still free and unchanged), the signed-in customer's details, the booking itself.
        // A slot already seen taken can't be won, so only a free one goes to the writer.
        var slot = await SlotById(db, slotId, ct);
        if (slot is null) return new HoldOutcome.NoSuchSlot();
        if (userId is not null && await db.Specialists.AnyAsync(s => s.Id == slot.SpecialistId && s.UserId == userId, ct))
            return new HoldOutcome.OwnSlot();
        if (slot.State == SlotState.Available && slot.Unavailability == SlotUnavailability.None && slot.Start > now)
        {
            var booking = Booking.PlaceHold(Guid.NewGuid(), slot, userId, customerZoneId, until, now);
            var user = userId is null ? null : await users.FindByIdAsync(userId);
            if (user is { Email: { } email })
                booking.UpdateCustomerDetails(new CustomerDetails(user.DisplayName, email, user.PhoneNumber, customerZoneId, null));
            if (await writer.HoldAsync(booking, now, offerRules.SiteDefaults, ct)) return new HoldOutcome.Held(booking);
        }

        return new HoldOutcome.Taken(slot.SpecialistId, await openSlots.NearestAsync(slot.SpecialistId, slot.Start, 6, ct));
    }

    /// <summary>The specialist's next open times: offered instead of a chosen time that no longer exists (their hours changed).</summary>
    public Task<IReadOnlyList<OpenSlot>> NextOpenAsync(Guid specialistId, CancellationToken ct) => openSlots.NextAsync(specialistId, 6, ct);

    /// <summary>
    /// What to offer someone whose chosen time went to another customer a moment ago (or out of the
    /// specialist's hours): the nearest open times. Null when that time is open again: nothing to say.
    /// </summary>
    public async Task<IReadOnlyList<OpenSlot>?> InsteadOfAsync(Guid specialistId, Guid slotId, CancellationToken ct)
    {
        var slot = await SlotById(db, slotId, ct);
        if (slot is null) return await NextOpenAsync(specialistId, ct);
        if (slot.SpecialistId != specialistId) return null;
        // Open means offered: the booking rules (notice, horizon, daily cap) refuse holds on some free slots too.
        var nearest = await openSlots.NearestAsync(specialistId, slot.Start, 7, ct);
        return nearest.Any(o => o.Id == slotId) ? null : nearest.Take(6).ToList();
    }

    private static readonly Func<AppDbContext, Guid, CancellationToken, Task<Slot?>> SlotById =
        EF.CompileAsyncQuery((AppDbContext db, Guid id, CancellationToken _) => db.Slots.AsNoTracking().SingleOrDefault(s => s.Id == id));

    /// <summary>
    /// Opens a booking from a signed link (or for its signed-in customer). Null with
    /// <see cref="LinkCheck.Invalid"/> when the link is forged, altered or for another booking.
    /// </summary>
    public async Task<(BookingPageData? Data, LinkCheck Check)> OpenAsync(Guid bookingId, string? token, string purpose,
        string? userId, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null) return (null, LinkCheck.Invalid);
        var check = userId is not null && booking.CustomerUserId == userId ? LinkCheck.Valid : links.Check(token, bookingId, purpose);
        // A manage link also stops once the session has ended, whatever its own expiry said.
        if (check == LinkCheck.Valid && purpose == BookingLinks.Manage && clock.GetCurrentInstant() >= booking.End) check = LinkCheck.Expired;
        if (check != LinkCheck.Valid) return (null, check);
        var specialist = await db.Specialists.AsNoTracking().SingleAsync(s => s.Id == booking.SpecialistId, ct);
        return (new BookingPageData(booking, specialist, await LatestPaymentAsync(bookingId, ct)), LinkCheck.Valid);
    }

    /// <summary>A booking as its own specialist sees it (signed in; no link needed). Null for anyone else's.</summary>
    public async Task<BookingPageData?> OpenForSpecialistAsync(Guid bookingId, Guid specialistId, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == bookingId && b.SpecialistId == specialistId, ct);
        if (booking is null) return null;
        var specialist = await db.Specialists.AsNoTracking().SingleAsync(s => s.Id == specialistId, ct);
        return new BookingPageData(booking, specialist, await LatestPaymentAsync(bookingId, ct));
    }

    public Task<Payment?> LatestPaymentAsync(Guid bookingId, CancellationToken ct) => db.Payments.LatestForAsync(bookingId, ct);

    // The tokens' lifetimes are BookingLinks' own; the pages ask here, beside the booking they opened.
    public string CheckoutToken(Booking booking) => links.CheckoutToken(booking);

    public string ManageToken(Booking booking) => links.ManageToken(booking);

    public string ViewToken(Booking booking) => links.ViewToken(booking);

    /// <summary>Saves the customer's details and sends them to the payment provider.</summary>
    public async Task<PaymentStartOutcome> StartPaymentAsync(Guid bookingId, CustomerDetails details, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        // One start at a time per booking, provider calls included: concurrent posts of the details
        // form (a double click, several tabs) take turns, and each ends the checkout the one before
        // it opened, so a booking never has two payable checkouts. The lock is the booking's row on
        // PostgreSQL; on SQLite the transaction holds the write lock for these two provider calls.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.LockRowAsync<Booking>(bookingId, ct);
        var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId, ct);
        if (booking.Status != BookingStatus.Pending) return new PaymentStartOutcome.NotPending(booking.Status);
        if (booking.IsHoldExpired(now)) return new PaymentStartOutcome.HoldEnded();
        booking.UpdateCustomerDetails(details);

        // A declined test card is retried on the same payment. A provider checkout that was already
        // opened is ended first and replaced, so one booking never has two payable checkouts; each
        // checkout keeps its own payment row (and ids).
        var unpaid = await db.Payments
            .Where(p => p.BookingId == bookingId && p.Provider == gateway.Name && (p.Status == PaymentStatus.Pending || p.Status == PaymentStatus.Failed))
            .ToListAsync(ct);
        var payment = unpaid.Where(p => p.CheckoutSessionId is null).OrderByDescending(p => p.CreatedAt).FirstOrDefault();
        foreach (var replaced in unpaid.Where(p => p.CheckoutSessionId is not null && p.FailureReason is not (Payment.ReplacedCheckout or Payment.ExpiredCheckout)))
        {
            await gateway.CancelCheckoutAsync(replaced, ct);
            // Also a declined one: its checkout stayed open for another card until now.
            replaced.MarkFailed(Payment.ReplacedCheckout);
        }
        if (payment is null)
        {
            payment = Payment.Start(bookingId, booking.Price, gateway.Name, now);
            db.Payments.Add(payment);
        }
        await db.SaveChangesAsync(ct);

        var checkout = CheckoutToken(booking);
        var specialist = await db.Specialists.AsNoTracking().SingleAsync(s => s.Id == booking.SpecialistId, ct);
        var start = await gateway.StartCheckoutAsync(new CheckoutRequest(
            booking.Id, payment.Id, booking.Price,
            $"{(booking.End - booking.Start).TotalMinutes:0}-minute session with {specialist.DisplayName}",
            booking.CustomerEmail,
            urls.To(BookingLinks.CheckoutPath(booking.Id, ViewToken(booking), "done")),
            urls.To(BookingLinks.CheckoutPath(booking.Id, checkout)),
            urls.To(BookingLinks.CheckoutPath(booking.Id, checkout, "test-card")),
            booking.HoldExpiresAt,
            IdempotencyKey(payment, booking)), ct);
        payment.AttachProviderIds(start.CheckoutSessionId, start.PaymentIntentId);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new PaymentStartOutcome.Redirect(start.RedirectUrl);
    }

    /// <summary>
    /// The same checkout request gets the same key (also after a restart); changed details get a new
    /// one, since a provider refuses a reused key with different parameters.
    /// </summary>
    private static string IdempotencyKey(Payment payment, Booking booking)
    {
        var details = $"{booking.CustomerEmail.ToLowerInvariant()}|{booking.CustomerName}|{payment.AmountMinor}|{payment.Currency}";
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(details)));
        return $"checkout-{payment.Id:N}-{hash[..16]}";
    }

    /// <summary>The built-in test provider's card form: approve or decline, then apply the outcome.</summary>
    public async Task<TestCardOutcome> PayWithTestCardAsync(Guid bookingId, string? cardNumber, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId, ct);
        if (booking.Status != BookingStatus.Pending) return new TestCardOutcome.NotPending(booking.Status);
        if (booking.IsHoldExpired(clock.GetCurrentInstant())) return new TestCardOutcome.HoldEnded();
        var payment = await db.Payments.AsNoTracking()
            .Where(p => p.BookingId == bookingId && p.Provider == TestPaymentGateway.ProviderName)
            .OrderByDescending(p => p.CreatedAt).FirstOrDefaultAsync(ct);
        if (payment is null) return new TestCardOutcome.NotPending(booking.Status);

        var (approved, message) = TestPaymentGateway.Charge(cardNumber);
        if (!approved)
        {
            await outcomes.FailedAsync(new PaymentRef(PaymentId: payment.Id), message!, ct);
            return new TestCardOutcome.Declined(message!);
        }
        var applied = await outcomes.SucceededAsync(new PaymentRef(PaymentId: payment.Id), $"test_ch_{Guid.NewGuid():N}", ct);
        // The customer lands on the confirmation next: their meeting link is made now.
        await followUps.ForBookingAsync(bookingId, ct);
        return new TestCardOutcome.Paid(applied);
    }
}

using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>
/// The cancel/reschedule rule, the policy window before the start (24 h by default), and every
/// sentence that explains it to people: the cancel page, the message after cancelling, the emails,
/// SMS and in-app notices, the booking page and the refund's reason. Change the rule or its words
/// here; nothing else words it.
/// </summary>
public readonly record struct CancellationPolicy(Duration Window)
{
    public static CancellationPolicy Default => new(Duration.FromHours(24));

    public int WindowHours => (int)Window.TotalHours;

    /// <summary>Customer at least the window before the start → full; later → none. Specialist/admin → always full.</summary>
    public RefundDecision RefundFor(ActorRole by, Instant start, Instant now) =>
        by == ActorRole.Customer && start - now < Window ? RefundDecision.None : RefundDecision.Full;

    public bool CustomerMayReschedule(Instant start, Instant now) => start - now >= Window;

    /// <summary>Why a customer may no longer reschedule (the domain's refusal and the pages' notice).</summary>
    public string RescheduleClosed => $"Rescheduling closes {WindowHours} hours before the start.";

    /// <summary>
    /// What cancelling now would refund, said before the customer confirms: a bold lead and the reason.
    /// <paramref name="paid"/> false: nothing was charged, so there is nothing to refund.
    /// </summary>
    public (string Lead, string Detail) Preview(RefundDecision refund, Money price, bool paid) =>
        !paid ? ("Nothing has been charged", ", so there is nothing to refund.")
        : refund == RefundDecision.Full
            ? ($"You'll get a full refund of {Currencies.Format(price)}.", $" You're cancelling at least {WindowHours} hours before the start.")
            : ("No refund.", $" The session starts in less than {WindowHours} hours, so the {Currencies.Format(price)} you paid can't be refunded. You can still cancel so the specialist knows.");

    /// <summary>The message right after the customer cancelled.</summary>
    public string CancelledMessage(RefundDecision refund, Money price, bool paid) =>
        refund == RefundDecision.Full && paid
            ? $"Your session is cancelled. We're refunding {Currencies.Format(price)} in full."
            : "Your session is cancelled.";

    /// <summary>What a cancellation refunds, told to the customer afterwards (emails, SMS, in-app); <paramref name="amountPaid"/> null when unknown.</summary>
    public string Outcome(RefundDecision refund, string? amountPaid) =>
        refund == RefundDecision.Full
            ? "You get a full refund" + (amountPaid is null ? "" : " of " + amountPaid) + "; " + RefundArrives + "."
            : $"There is no refund, as the session was cancelled less than {WindowHours} hours before the start.";

    /// <summary>The same outcome in the booking's history, on its page.</summary>
    public string OutcomeNoted(RefundDecision refund) =>
        refund == RefundDecision.Full ? "Full refund." : $"No refund: it was cancelled less than {WindowHours} hours before the start.";

    /// <summary>Beside the reschedule and cancel links of an email.</summary>
    public string ManageNote(bool mayReschedule) =>
        mayReschedule
            ? $"You can reschedule or cancel up to {WindowHours} hours before the start for a full refund; later cancellations aren't refunded."
            : $"Rescheduling has closed ({WindowHours} hours before the start). Cancelling now isn't refunded.";

    /// <summary>When a refund is seen on the customer's card, said wherever a refund is promised.</summary>
    public const string RefundArrives = "it reaches your card within a few days";

    /// <summary>One of the bookings deleting an account would cancel, as the account page lists it before the customer confirms.</summary>
    public string ToCancelNote(RefundDecision refund, Money price, bool paid) =>
        !paid ? "nothing has been charged."
        : refund == RefundDecision.Full ? $"full refund of {Currencies.Format(price)}."
        : $"no refund (less than {WindowHours} hours before the start).";

    /// <summary>What happened to one of those bookings once the account was deleted; <paramref name="session"/> names it.</summary>
    public string CancelledWithAccount(string session, RefundDecision refund, Money price, bool paid) =>
        !paid ? $"We cancelled {session}; nothing had been charged."
        : refund == RefundDecision.Full ? $"We cancelled {session} and are refunding {Currencies.Format(price)} in full; {RefundArrives}."
        : $"We cancelled {session}; as it was less than {WindowHours} hours away, it isn't refunded.";

    /// <summary>A specialist's (or admin's) cancellation always refunds the customer in full.</summary>
    public const string SpecialistCancelLabel = "Cancel (full refund)";
    public const string SpecialistCancelled = "Cancelled; the customer gets a full refund.";
    public const string SpecialistCancelsFirst = "each customer gets a full refund";

    /// <summary>The customer's message once the provider has refunded (<paramref name="reason"/> is the refund's own).</summary>
    public static string RefundMade(string reason, string amount, string session) =>
        $"{reason}. We refunded {amount} for {session}; {RefundArrives}.";

    /// <summary>The customer's message when the payment was refunded at the provider, which called the session off.</summary>
    public static string RefundedAtProvider(string amount, string sessionTime) =>
        $"Your payment of {amount} was refunded in full, so the session on {sessionTime} is cancelled. " +
        $"The refund {RefundArrives}.";

    /// <summary>A payment that came after its time was taken by someone else is given back.</summary>
    public static string LatePaymentRefunded(Money amount) =>
        $"Your payment arrived after the time had been booked by someone else, so we refunded {Currencies.Format(amount)} in full.";

    /// <summary>The reason recorded when a booking is cancelled because its payment was refunded at the provider.</summary>
    public const string ProviderRefundReason = "The payment was refunded";

    /// <summary>The refund's reason, shown to the customer when the refund is made.</summary>
    public static string RefundReason(ActorRole cancelledBy) =>
        cancelledBy == ActorRole.Customer ? "You cancelled in time for a full refund" : "The session was cancelled for you";
}

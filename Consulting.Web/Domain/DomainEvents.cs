using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>Something that happened to an entity, which other parts of the app must follow up.</summary>
public interface IDomainEvent;

/// <summary>
/// An entity whose state changes raise <see cref="IDomainEvent"/>s. They are turned into rows
/// (notifications, refunds, released slots) by the <see cref="IConsequence"/>s when the change is
/// saved, in the same transaction; workers act on those rows afterwards.
/// </summary>
public abstract class EventSource
{
    private List<IDomainEvent>? _events;

    protected void Raise(IDomainEvent e) => (_events ??= []).Add(e);

    /// <summary>The events raised since the last call, which are forgotten here.</summary>
    public IReadOnlyList<IDomainEvent> TakeEvents()
    {
        var taken = _events ?? [];
        _events = null;
        return taken;
    }
}

/// <summary>
/// Records what must follow an event, as rows saved with the change that raised it. Never calls an
/// outside service: that is the workers' job, from the rows.
/// </summary>
public interface IConsequence
{
    Task RecordAsync(IDomainEvent e, CancellationToken ct);
}

/// <summary>A payment confirmed the booking.</summary>
public sealed record BookingConfirmed(Booking Booking, Payment Payment) : IDomainEvent;

/// <summary>The booking was cancelled; its refund decision is on <see cref="Booking.Cancellation"/>.</summary>
public sealed record BookingCancelled(Booking Booking) : IDomainEvent;

/// <summary>The booking moved from <paramref name="PreviousStart"/> to its current time.</summary>
public sealed record BookingRescheduled(Booking Booking, Instant PreviousStart) : IDomainEvent;

/// <summary>The hold ran out before payment.</summary>
public sealed record HoldExpired(Booking Booking) : IDomainEvent;

public sealed record SessionCompleted(Booking Booking) : IDomainEvent;

public sealed record RecordingShared(Booking Booking) : IDomainEvent;

/// <summary>The meeting provider failed the booking's meeting work <see cref="Booking.TellSpecialistAfterMeetingFailures"/> times.</summary>
public sealed record MeetingKeepsFailing(Booking Booking) : IDomainEvent;

/// <summary>The customer reviewed their session (an edit is not news).</summary>
public sealed record ReviewWritten(Booking Booking, Review Review) : IDomainEvent;

/// <summary>The provider refunded what we asked it to.</summary>
public sealed record RefundCompleted(Payment Payment, Refund Refund) : IDomainEvent;

/// <summary>The whole payment was refunded at the provider (its dashboard), not through the app.</summary>
public sealed record PaymentRefundedAtProvider(Payment Payment) : IDomainEvent;

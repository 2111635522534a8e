using Consulting.Web.Domain;

namespace Consulting.Web.Notifications.Templates;

/// <summary>Everything an email template shows, worked out by <see cref="EmailComposer"/>; templates only lay it out.</summary>
public sealed record EmailView
{
    public required NotificationType Type { get; init; }
    public required string Title { get; init; }
    public required string Message { get; init; }
    /// <summary>Absolute address of the site, for the footer.</summary>
    public required string SiteUrl { get; init; }
    /// <summary>Null for a notification that isn't about a booking.</summary>
    public BookingEmail? Booking { get; init; }
    /// <summary>The buttons of an email about the account itself (confirm, reset, changes).</summary>
    public AccountEmail? Account { get; init; }
}

/// <summary>An account email's links: the first one is the button the email is for.</summary>
public sealed record AccountEmail
{
    public required string ActionLabel { get; init; }
    public required string ActionUrl { get; init; }
    public string? SecondaryLabel { get; init; }
    public string? SecondaryUrl { get; init; }
    /// <summary>Small print under the buttons (how long the link lasts, what to do if it wasn't them).</summary>
    public string? Note { get; init; }
    /// <summary>Replaces the footer's line about booking links.</summary>
    public string? Footer { get; init; }
}

/// <summary>The booking as one recipient sees it: times in their zone, their links.</summary>
public sealed record BookingEmail
{
    public required bool ToSpecialist { get; init; }
    public required string SpecialistName { get; init; }
    public required string CustomerName { get; init; }
    public required string CustomerEmail { get; init; }
    public string? CustomerNotes { get; init; }
    /// <summary>"Mon 9 Nov 2026, 23:00 JST (Tokyo)": in the recipient's zone, zone named.</summary>
    public required string When { get; init; }
    /// <summary>The time before the latest reschedule, in the recipient's zone.</summary>
    public string? PreviousWhen { get; init; }
    public required int Minutes { get; init; }
    public required BookingStatus Status { get; init; }
    public string? MeetingUrl { get; init; }
    /// <summary>Zoom's start link, for the specialist only.</summary>
    public string? HostUrl { get; init; }
    /// <summary>The booking's page (customers).</summary>
    public string? ViewUrl { get; init; }
    /// <summary>Null once rescheduling has closed.</summary>
    public string? RescheduleUrl { get; init; }
    public string? CancelUrl { get; init; }
    public CancellationPolicy Policy { get; init; } = CancellationPolicy.Default;
    /// <summary>The specialist's calendar page (specialists).</summary>
    public string? CalendarUrl { get; init; }
    /// <summary>The specialist's public page, to book again after a cancellation (customers).</summary>
    public string? BookAgainUrl { get; init; }
    public string? ReviewUrl { get; init; }
    public string? RecordingUrl { get; init; }
    public string? GoogleCalendarUrl { get; init; }
    public string? OutlookCalendarUrl { get; init; }
    /// <summary>Whether the email carries an .ics invite (request or cancel).</summary>
    public bool HasInvite { get; init; }
    /// <summary>"$80.00", when a payment is known.</summary>
    public string? AmountPaid { get; init; }
    public string? AmountRefunded { get; init; }
    /// <summary>For cancellations: whether money comes back.</summary>
    public RefundDecision? Refund { get; init; }
}

using Coravel.Invocable;

namespace Consulting.Web.Calendar;

// Coravel runs these on every instance: each sweep (every 15 seconds, or woken through the queue)
// claims what the database says is due, so every row and every scheduled turn is done by one instance.

/// <summary>The specialists' own calendars whose refresh (<c>ExternalCalendars:RefreshMinutes</c>) is due, each synced by one instance.</summary>
public sealed class SyncExternalCalendars(ExternalCalendarSync calendars) : IInvocable, ICancellableInvocable
{
    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => calendars.RunDueAsync(CancellationToken);
}

using Consulting.Web.Jobs;
using Coravel.Invocable;
using NodaTime;

namespace Consulting.Web.Bookings;

// Coravel runs these on every instance: each sweep (every 15 seconds, or woken through the queue)
// claims what the database says is due, so every row and every scheduled turn is done by one instance.

/// <summary>Every 15 seconds, by one instance: unpaid holds past their end release their slots.</summary>
public sealed class ReleaseExpiredHolds(ScheduledTasks tasks, HoldExpiry expiry) : IInvocable, ICancellableInvocable
{
    public const string TaskName = "hold-expiry";
    public static readonly TaskSchedule Schedule = new TaskSchedule.Every(Duration.FromSeconds(15));

    public CancellationToken CancellationToken { get; set; }

    public Task Invoke() => tasks.RunIfDueAsync(TaskName, Schedule, ct => expiry.ReleaseExpiredAsync(ct), CancellationToken);
}

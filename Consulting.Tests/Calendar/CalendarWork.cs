using Consulting.Tests.Support;
using Consulting.Web.Calendar;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Calendar;

public static class CalendarWork
{
    /// <summary>
    /// What the background runner does a moment later, in the order it matters: the calendar syncs
    /// that are due (an added calendar, "Sync now", a refresh), then the slot reconciles they queued.
    /// Returns how many calendars synced.
    /// </summary>
    public static async Task<int> RunCalendarWorkAsync(this AppFactory app)
    {
        var synced = await app.SyncDueCalendarsAsync();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<GenerationJobs>().RunDueAsync(CancellationToken.None);
        return synced;
    }

    /// <summary>The calendar worker's turn on this instance (the job every instance runs): syncs what is due.</summary>
    public static async Task<int> SyncDueCalendarsAsync(this AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ExternalCalendarSync>().RunDueAsync(CancellationToken.None);
    }
}

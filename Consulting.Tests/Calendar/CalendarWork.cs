using Consulting.Tests.Support;
using Consulting.Web.Calendar;
using Consulting.Web.Jobs;
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
        await using var scope = app.Services.CreateAsyncScope();
        var synced = await scope.ServiceProvider.GetRequiredService<ExternalCalendarSync>().RunDueAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<GenerationJobs>().RunDueAsync(CancellationToken.None);
        return synced;
    }
}

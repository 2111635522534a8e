using Consulting.Tests.Calendar;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Calendar;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.ScaleOut;

/// <summary>
/// Two app hosts on one database (one PostgreSQL database on that pass, one SQLite file on the other),
/// each running the calendar job as every instance does: a due calendar is fetched by one of them.
/// </summary>
public sealed class SharedCalendarSyncTests : IAsyncLifetime
{
    private CalendarServer _server = null!;

    public async Task InitializeAsync() => _server = await CalendarServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Action<IServiceCollection> AllowLoopback => s => s.Configure<ExternalCalendarOptions>(o => o.AllowPrivateAddresses = true);

    /// <summary>
    /// Both hosts' job turns at once, the calendar server holding the one request it gets until the
    /// other turn has ended: that turn found the calendar claimed and fetched nothing.
    /// </summary>
    private async Task<int[]> BothTurnsAsync(AppFactory a, AppFactory b)
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Override = async context =>
        {
            asked.TrySetResult();
            await answer.Task;
            _server.Override = null;
            await _server.ServeFileAsync(context);
        };
        var turns = new[] { Task.Run(a.SyncDueCalendarsAsync), Task.Run(b.SyncDueCalendarsAsync) };
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var first = await Task.WhenAny(turns).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await first);
        answer.SetResult();
        return await Task.WhenAll(turns);
    }

    [Fact]
    public async Task A_due_calendar_is_fetched_once_when_two_instances_run_the_job_at_the_same_time()
    {
        using var a = new AppFactory { TestServices = AllowLoopback };
        using var b = new AppFactory(a.DataDirectory) { Clock = a.Clock, TestServices = AllowLoopback };
        var me = await a.CreateSignedInAsync("Europe/Madrid", (s, now) =>
            s.AddWindow(IsoDayOfWeek.Wednesday, new TimeWindow(new LocalTime(9, 0), new LocalTime(13, 0), 60), now));
        await a.ApplyScheduleAsync(me.Id);
        await (await AvailabilityPage.OpenAsync(me.Client)).AddCalendarAsync("Personal", _server.Url("google.ics"));

        // Just added: due on both hosts, fetched by one.
        Assert.Equal(1, (await BothTurnsAsync(a, b)).Sum());
        Assert.Equal(1, _server.RequestCount);
        Assert.Equal(4, await b.WithDbAsync(db => db.BusyPeriods.CountAsync()));

        // Not due yet: neither host asks.
        var idle = await Task.WhenAll(a.SyncDueCalendarsAsync(), b.SyncDueCalendarsAsync());
        Assert.Equal(new[] { 0, 0 }, idle);
        Assert.Equal(1, _server.RequestCount);

        // The refresh comes due on both hosts' clocks: one conditional request between them.
        a.Clock.AdvanceMinutes(15);
        Assert.Equal(1, (await BothTurnsAsync(a, b)).Sum());
        Assert.Equal(2, _server.RequestCount);
        var calendar = await a.WithDbAsync(db => db.ExternalCalendars.AsNoTracking().SingleAsync());
        Assert.Null(calendar.LastError);
        Assert.Equal(a.Clock.GetCurrentInstant(), calendar.LastSuccessAt);
    }
}

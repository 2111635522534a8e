using Consulting.Web.Bookings;
using Consulting.Web.Calendar;
using Consulting.Web.Jobs;
using Consulting.Web.Meetings;
using Consulting.Web.Notifications;
using Consulting.Web.Payments;
using Consulting.Web.Scheduling;
using Coravel;

namespace Consulting.Web.Hosting;

public static class JobsSetup
{
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        builder.AddSettings<JobsOptions>(JobsOptions.Section);
        builder.Services.AddQueue();
        builder.Services.AddScheduler();
        builder.Services.AddSingleton<WorkerInstance>();
        builder.Services.AddScoped<WorkRunner>();
        builder.Services.AddScoped<ScheduledTasks>();
        builder.Services.AddScoped<SlotGenerator>();
        builder.Services.AddScoped<GenerationJobs>();
        builder.Services.AddScoped<Meetings.MeetingSyncService>();
        builder.Services.AddScoped<Payments.RefundJobs>();
        builder.Services.AddScoped<Payments.CheckoutEndings>();
        builder.Services.AddScoped<FollowUps>();
        builder.Services.AddScoped<Notifications.Reminders>();
        builder.Services.AddScoped<Notifications.OutboxDispatcher>();
        builder.Services.AddTransient<RunGenerationJobs>();
        builder.Services.AddTransient<DispatchNotifications>();
        builder.Services.AddTransient<RunMeetingSync>();
        builder.Services.AddTransient<RunRefunds>();
        builder.Services.AddTransient<ReleaseExpiredHolds>();
        builder.Services.AddTransient<RecordReminders>();
        builder.Services.AddTransient<KeepSchedulesGenerated>();
        builder.Services.AddTransient<SyncExternalCalendars>();
        return builder;
    }

    /// <summary>
    /// The sweeps are what make jobs survive a restart: whatever the database says is due gets run,
    /// whether or not the in-memory queue still knew about it. They run every 15 seconds on every
    /// instance (PreventOverlapping is per process); the database claim makes each piece of work
    /// one instance's, and a dead instance's leases (30 s) run out within the minute.
    /// </summary>
    public static WebApplication UseJobs(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Jobs:RunInBackground", true)) return app;
        app.Services.UseScheduler(s =>
        {
            s.Schedule<RunGenerationJobs>().EveryFifteenSeconds().PreventOverlapping(nameof(RunGenerationJobs));
            s.Schedule<DispatchNotifications>().EveryFifteenSeconds().PreventOverlapping(nameof(DispatchNotifications));
            s.Schedule<RunMeetingSync>().EveryFifteenSeconds().PreventOverlapping(nameof(RunMeetingSync));
            s.Schedule<RunRefunds>().EveryFifteenSeconds().PreventOverlapping(nameof(RunRefunds));
            s.Schedule<ReleaseExpiredHolds>().EveryFifteenSeconds().PreventOverlapping(nameof(ReleaseExpiredHolds));
            s.Schedule<RecordReminders>().EveryFifteenSeconds().PreventOverlapping(nameof(RecordReminders));
            s.Schedule<KeepSchedulesGenerated>().EveryFifteenSeconds().PreventOverlapping(nameof(KeepSchedulesGenerated));
            s.Schedule<SyncExternalCalendars>().EveryFifteenSeconds().PreventOverlapping(nameof(SyncExternalCalendars));
        }).OnError(e => Failed("scheduled", e));
        app.Services.ConfigureQueue().OnError(e => Failed("queued", e));
        return app;

        void Failed(string how, Exception e)
        {
            AppTelemetry.JobFailures.Add(1, new KeyValuePair<string, object?>("job", how));
            app.Logger.LogError(e, "A {How} job failed", how);
        }
    }
}

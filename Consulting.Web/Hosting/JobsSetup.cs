using Consulting.Web.Jobs;
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
        builder.Services.AddScoped<SlotGenerator>();
        builder.Services.AddScoped<GenerationJobs>();
        builder.Services.AddTransient<RunGenerationJobs>();
        builder.Services.AddTransient<KeepSchedulesGenerated>();
        builder.Services.AddTransient<ReleaseExpiredHolds>();
        builder.Services.AddScoped<Meetings.MeetingSyncService>();
        builder.Services.AddScoped<Payments.RefundJobs>();
        builder.Services.AddScoped<FollowUps>();
        builder.Services.AddTransient<RunFollowUps>();
        builder.Services.AddScoped<Notifications.Reminders>();
        builder.Services.AddScoped<Notifications.OutboxDispatcher>();
        builder.Services.AddTransient<DispatchNotifications>();
        return builder;
    }

    /// <summary>
    /// The every-minute sweep is what makes jobs survive a restart: whatever the database says is
    /// due gets run, whether or not the in-memory queue still knew about it.
    /// </summary>
    public static WebApplication UseJobs(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Jobs:RunInBackground", true)) return app;
        app.Services.UseScheduler(s =>
        {
            s.Schedule<RunGenerationJobs>().EveryMinute().PreventOverlapping(nameof(RunGenerationJobs));
            s.Schedule<KeepSchedulesGenerated>().DailyAtHour(2).PreventOverlapping(nameof(KeepSchedulesGenerated));
            s.Schedule<ReleaseExpiredHolds>().EveryMinute().PreventOverlapping(nameof(ReleaseExpiredHolds));
            s.Schedule<RunFollowUps>().EveryMinute().PreventOverlapping(nameof(RunFollowUps));
            s.Schedule<DispatchNotifications>().EveryMinute().PreventOverlapping(nameof(DispatchNotifications));
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

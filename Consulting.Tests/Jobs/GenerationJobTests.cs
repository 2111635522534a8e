using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Jobs;

public sealed class GenerationJobTests
{
    private static readonly Dictionary<string, string> Htmx = new() { ["HX-Request"] = "true" };

    private static void Weekdays9To12(AvailabilitySchedule s, Instant now)
    {
        foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
            s.AddWindow(day, new TimeWindow(new LocalTime(9, 0), new LocalTime(12, 0), 60), now);
    }

    private static async Task<int> RunDueAsync(AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GenerationJobs>().RunDueAsync(CancellationToken.None);
    }

    private static Task<List<GenerationJob>> JobsAsync(AppFactory app, Guid specialistId) =>
        app.WithDbAsync(db => db.GenerationJobs.AsNoTracking().Where(j => j.SpecialistId == specialistId).ToListAsync());

    private static Task<int> SlotCountAsync(AppFactory app, Guid specialistId) =>
        app.WithDbAsync(db => db.Slots.CountAsync(s => s.SpecialistId == specialistId));

    private static async Task<HttpResponseMessage> RequestGenerationAsync(TestSpecialist me, string from, string to,
        IDictionary<string, string>? headers = null)
    {
        var page = await me.Client.GetPageAsync("/specialist/availability");
        return await me.Client.SubmitAsync(page, "#generate form", new Dictionary<string, string>
        {
            ["Generate.From"] = from, ["Generate.To"] = to,
        }, headers);
    }

    [Fact]
    public async Task The_page_records_a_queued_job_and_returns_at_once_then_shows_the_result()
    {
        using var app = new AppFactory();
        var me = await app.CreateSignedInAsync(schedule: Weekdays9To12);

        var response = await RequestGenerationAsync(me, "2026-11-03", "2026-11-09");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var job = Assert.Single(await JobsAsync(app, me.Id));
        Assert.Equal(JobState.Queued, job.State);
        Assert.Equal(0, await SlotCountAsync(app, me.Id));
        Assert.Contains("Queued", (await me.Client.GetPageAsync("/specialist/availability")).QuerySelector("#jobs .job-status").Text());

        Assert.Equal(1, await RunDueAsync(app));

        // Tue 3 – Fri 6 and Mon 9 November: five weekdays of three slots.
        Assert.Equal(15, await SlotCountAsync(app, me.Id));
        var done = Assert.Single(await JobsAsync(app, me.Id));
        Assert.Equal((JobState.Succeeded, 15, 1), (done.State, done.Created, done.Attempts));
        var page = await me.Client.GetPageAsync("/specialist/availability");
        Assert.StartsWith("Done: 15 created", page.QuerySelector("#jobs .job-status").Text());
        Assert.Null(page.QuerySelector("#jobs")!.GetAttribute("hx-trigger"));
    }

    [Fact]
    public async Task With_htmx_the_status_fragment_polls_until_the_job_has_finished()
    {
        using var app = new AppFactory();
        var me = await app.CreateSignedInAsync(schedule: Weekdays9To12);

        var response = await RequestGenerationAsync(me, "2026-11-03", "2026-11-04", Htmx);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fragment = await Html.ParseAsync(response);
        Assert.Equal("generate", fragment.Body!.FirstElementChild!.Id);
        Assert.Equal("every 1s", fragment.QuerySelector("#jobs")!.GetAttribute("hx-trigger"));
        Assert.Equal("/specialist/availability?handler=Jobs", fragment.QuerySelector("#jobs")!.GetAttribute("hx-get"));

        await RunDueAsync(app);

        var poll = new HttpRequestMessage(HttpMethod.Get, "/specialist/availability?handler=Jobs");
        poll.Headers.Add("HX-Request", "true");
        var polled = await Html.ParseAsync(await me.Client.SendAsync(poll));
        Assert.Null(polled.QuerySelector("header.site-header"));
        Assert.Null(polled.QuerySelector("#jobs")!.GetAttribute("hx-trigger"));
        Assert.StartsWith("Done: 6 created", polled.QuerySelector(".job-status").Text());

        // The same address without htmx is the whole page (a reload without JavaScript).
        var full = await me.Client.GetPageAsync("/specialist/availability?handler=Jobs");
        Assert.NotNull(full.QuerySelector("header.site-header"));
    }

    [Theory]
    [InlineData("2026-11-10", "2026-11-09", "Generate.To", "on or after the start date")]
    [InlineData("2026-11-03", "2028-01-01", "Generate.To", "at most 366 days")]
    [InlineData("2026-10-01", "2026-11-09", "Generate.From", "past slots are never generated")]
    [InlineData("someday", "2026-11-09", "Generate.From", "Enter the first date.")]
    public async Task An_invalid_range_is_refused_beside_the_field_and_queues_nothing(string from, string to, string field, string message)
    {
        using var app = new AppFactory();
        var me = await app.CreateSignedInAsync(schedule: Weekdays9To12);

        var response = await RequestGenerationAsync(me, from, to);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await Html.ParseAsync(response)).FieldError(field));
        Assert.Empty(await JobsAsync(app, me.Id));
    }

    [Fact]
    public async Task A_queued_job_survives_a_restart_and_runs_afterwards()
    {
        TestSpecialist me;
        string dataDirectory;
        using (var before = new AppFactory { KeepData = true })
        {
            me = await before.CreateSignedInAsync(schedule: Weekdays9To12);
            await RequestGenerationAsync(me, "2026-11-03", "2026-11-03");
            dataDirectory = before.DataDirectory;
        }

        using var after = new AppFactory(dataDirectory) { KeepData = false };
        Assert.Equal(JobState.Queued, Assert.Single(await JobsAsync(after, me.Id)).State);
        Assert.Equal(1, await RunDueAsync(after));
        Assert.Equal(3, await SlotCountAsync(after, me.Id));
    }

    [Fact]
    public async Task A_job_abandoned_mid_run_is_retried_after_its_lease_but_not_before()
    {
        using var app = new AppFactory();
        var me = await app.CreateSignedInAsync(schedule: Weekdays9To12);
        await RequestGenerationAsync(me, "2026-11-03", "2026-11-03");
        // What a crash leaves behind: claimed (Running, lease taken) but never finished.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var jobId = Assert.Single(await JobsAsync(app, me.Id)).Id;
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<WorkRunner>().ClaimAsync(GenerationJobs.Table, jobId, CancellationToken.None));
        }
        Assert.Equal(JobState.Running, Assert.Single(await JobsAsync(app, me.Id)).State);

        app.Clock.Advance(JobsOptions.DefaultLease - Duration.FromSeconds(1));
        Assert.Equal(0, await RunDueAsync(app));

        app.Clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(1, await RunDueAsync(app));
        var job = Assert.Single(await JobsAsync(app, me.Id));
        Assert.Equal((JobState.Succeeded, 2), (job.State, job.Attempts));
        Assert.Equal(3, await SlotCountAsync(app, me.Id));
    }

    [Fact]
    public async Task Two_runners_at_once_run_each_job_exactly_once()
    {
        using var app = new AppFactory();
        var specialists = new List<TestSpecialist>();
        for (var i = 0; i < 4; i++)
        {
            var me = await app.CreateSignedInAsync(schedule: Weekdays9To12);
            await RequestGenerationAsync(me, "2026-11-03", "2026-11-20");
            specialists.Add(me);
        }

        var ran = await Task.WhenAll(RunDueAsync(app), RunDueAsync(app));

        Assert.Equal(4, ran.Sum());
        foreach (var me in specialists)
        {
            var job = Assert.Single(await JobsAsync(app, me.Id));
            Assert.Equal((JobState.Succeeded, 1), (job.State, job.Attempts));
            Assert.Equal(42, await SlotCountAsync(app, me.Id));
        }
    }

    [Fact]
    public async Task The_nightly_task_runs_once_a_night_at_two_and_keeps_every_active_schedule_generated_to_the_horizon()
    {
        using var app = new SeededAppFactory();
        var maya = await app.WithDbAsync(db => db.Specialists.SingleAsync(s => s.Slug == "maya-thompson"));
        async Task SweepAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<KeepSchedulesGenerated>().Invoke();
        }
        Task<List<GenerationJob>> NightlyJobsAsync() =>
            app.WithDbAsync(db => db.GenerationJobs.AsNoTracking().Where(j => j.Origin == "nightly").ToListAsync());

        // Monday 2 November, 12:00 UTC: tonight's run is still ahead.
        await SweepAsync();
        Assert.Empty(await NightlyJobsAsync());

        app.Clock.Reset(Instant.FromUtc(2026, 11, 3, 2, 0));
        await SweepAsync();
        var jobs = await NightlyJobsAsync();
        Assert.All(jobs, j => Assert.True(j.State == JobState.Succeeded, $"{j.State} {j.Error}"));
        Assert.Equal(4, jobs.Count);
        var mayaJob = jobs.Single(j => j.SpecialistId == maya.Id);
        // 3 Nov 2026 02:00Z is 21:00 on 2 Nov in New York; the horizon is 60 days.
        Assert.Equal((new LocalDate(2026, 11, 2), new LocalDate(2027, 1, 1)), (mayaJob.From, mayaJob.To));
        var last = await app.WithDbAsync(db => db.Slots.Where(s => s.SpecialistId == maya.Id).MaxAsync(s => s.Start));
        Assert.Equal(new LocalDate(2027, 1, 1), last.InZone(DateTimeZoneProviders.Tzdb["America/New_York"]).Date);

        // Later sweeps the same night (this instance's or another's) queue nothing more.
        app.Clock.Advance(Duration.FromHours(3));
        await SweepAsync();
        Assert.Equal(4, (await NightlyJobsAsync()).Count);

        // The next night adds only the newly reached day.
        var before = await SlotCountAsync(app, maya.Id);
        app.Clock.Reset(Instant.FromUtc(2026, 11, 4, 2, 0));
        await SweepAsync();
        Assert.Equal(8, (await NightlyJobsAsync()).Count);
        Assert.Equal(before, await SlotCountAsync(app, maya.Id) - SlotsOn(await app.WithDbAsync(db => db.Slots.AsNoTracking()
            .Where(s => s.SpecialistId == maya.Id).ToListAsync()), new LocalDate(2027, 1, 2)));
    }

    private static int SlotsOn(List<Slot> slots, LocalDate date) =>
        slots.Count(s => s.Start.InZone(DateTimeZoneProviders.Tzdb["America/New_York"]).Date == date);
}

using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Jobs;

/// <summary>
/// The reconcile a saved change queues (in its own transaction), and the nightly one. The clock
/// stands at Monday 2026-11-02 12:00Z, 13:00 in Madrid (CET), where test specialists live.
/// </summary>
public sealed class GenerationJobTests
{
    private static async Task<int> RunDueAsync(AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GenerationJobs>().RunDueAsync(CancellationToken.None);
    }

    private static Task<List<GenerationJob>> JobsAsync(AppFactory app, Guid specialistId) =>
        app.WithDbAsync(db => db.GenerationJobs.AsNoTracking().Where(j => j.SpecialistId == specialistId).ToListAsync());

    private static Task<int> SlotCountAsync(AppFactory app, Guid specialistId) =>
        app.WithDbAsync(db => db.Slots.CountAsync(s => s.SpecialistId == specialistId));

    /// <summary>Adds a window on the availability page, as the specialist would.</summary>
    private static async Task<HttpResponseMessage> AddWindowAsync(TestSpecialist me, IsoDayOfWeek day, string start, string end, bool htmx = false) =>
        await (await AvailabilityPage.OpenAsync(me.Client)).AddWindowAsync(day, start, end, "60", htmx: htmx);

    private static int WeekdaysBetween(LocalDate from, LocalDate to, IsoDayOfWeek day)
    {
        var count = 0;
        for (var d = from; d <= to; d = d.PlusDays(1)) if (d.DayOfWeek == day) count++;
        return count;
    }

    [Fact]
    public async Task A_saved_window_queues_a_reconcile_with_the_change_and_the_page_says_applying_then_applied()
    {
        using var app = new AppFactory();
        var me = await app.CreateSignedInAsync();

        var response = await AddWindowAsync(me, IsoDayOfWeek.Tuesday, "09:00", "12:00");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var job = Assert.Single(await JobsAsync(app, me.Id));
        Assert.Equal((JobState.Queued, "change", true), (job.State, job.Origin, job.Overwrite));
        Assert.Equal(0, await SlotCountAsync(app, me.Id));
        var applying = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Contains("Applying your changes", applying.ApplyStatus);
        Assert.Equal("polite", applying.Document.QuerySelector("#apply-status")!.GetAttribute("aria-live"));

        Assert.Equal(1, await RunDueAsync(app));

        // From today (Mon 2 Nov) to the 60-day horizon (Fri 1 Jan 2027, 13:00 Madrid): every Tuesday's three slots.
        var done = Assert.Single(await JobsAsync(app, me.Id));
        Assert.Equal((JobState.Succeeded, new LocalDate(2026, 11, 2), new LocalDate(2027, 1, 1)), (done.State, done.From, done.To));
        var tuesdays = WeekdaysBetween(new LocalDate(2026, 11, 2), new LocalDate(2027, 1, 1), IsoDayOfWeek.Tuesday);
        Assert.Equal(3 * tuesdays, await SlotCountAsync(app, me.Id));
        Assert.Equal(3 * tuesdays, done.Created);
        var applied = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Contains("Applied", applied.ApplyStatus);
        Assert.Contains("Fri 1 Jan 2027", applied.ApplyStatus);
        Assert.Null(applied.Document.QuerySelector("#apply-status [hx-trigger]"));
    }

    [Fact]
    public async Task With_htmx_an_edit_brings_the_status_out_of_band_and_the_status_polls_until_applied()
    {
        using var app = new AppFactory();
        var me = await app.CreateSignedInAsync();

        var response = await AddWindowAsync(me, IsoDayOfWeek.Wednesday, "09:00", "11:00", htmx: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fragment = await Html.ParseAsync(response);
        Assert.Equal("day-wednesday", fragment.Body!.FirstElementChild!.Id);
        var status = fragment.QuerySelector("#apply-status")!;
        Assert.Equal("innerHTML", status.GetAttribute("hx-swap-oob"));
        var poller = status.QuerySelector("[hx-trigger]")!;
        Assert.Equal(("every 1s", "/specialist/availability?handler=Status"), (poller.GetAttribute("hx-trigger"), poller.GetAttribute("hx-get")));
        Assert.Contains("Applying", status.Text());
        Assert.Equal("true", fragment.QuerySelector("#conflicts")!.GetAttribute("hx-swap-oob"));

        await RunDueAsync(app);

        var poll = new HttpRequestMessage(HttpMethod.Get, "/specialist/availability?handler=Status");
        poll.Headers.Add("HX-Request", "true");
        var polled = await Html.ParseAsync(await me.Client.SendAsync(poll));
        Assert.Null(polled.QuerySelector("header.site-header"));
        Assert.Null(polled.QuerySelector("[hx-trigger]"));
        Assert.Contains("Applied", polled.Body.Text());

        // The same address without htmx is the whole page (a reload without JavaScript).
        var full = new AvailabilityPage(me.Client, await me.Client.GetPageAsync("/specialist/availability?handler=Status"));
        Assert.NotNull(full.Document.QuerySelector("header.site-header"));
        Assert.Contains("Applied", full.ApplyStatus);
    }

    [Fact]
    public async Task Changes_saved_before_the_runner_wakes_share_one_reconcile_which_applies_them_all()
    {
        using var app = new AppFactory();
        var me = await app.CreateSignedInAsync();

        await AddWindowAsync(me, IsoDayOfWeek.Monday, "09:00", "10:00");
        await AddWindowAsync(me, IsoDayOfWeek.Thursday, "14:00", "15:00");

        Assert.Single(await JobsAsync(app, me.Id));
        await RunDueAsync(app);
        var slots = await app.WithDbAsync(db => db.Slots.AsNoTracking().Where(s => s.SpecialistId == me.Id).ToListAsync());
        Assert.Contains(slots, s => s.Day!.Value.DayOfWeek == IsoDayOfWeek.Monday);
        Assert.Contains(slots, s => s.Day!.Value.DayOfWeek == IsoDayOfWeek.Thursday);
    }

    [Fact]
    public async Task A_queued_reconcile_survives_a_restart_and_runs_afterwards()
    {
        TestSpecialist me;
        string dataDirectory;
        using (var before = new AppFactory { KeepData = true })
        {
            me = await before.CreateSignedInAsync();
            await AddWindowAsync(me, IsoDayOfWeek.Tuesday, "09:00", "12:00");
            dataDirectory = before.DataDirectory;
        }

        using var after = new AppFactory(dataDirectory) { KeepData = false };
        Assert.Equal(JobState.Queued, Assert.Single(await JobsAsync(after, me.Id)).State);
        Assert.Equal(1, await RunDueAsync(after));
        Assert.True(await SlotCountAsync(after, me.Id) > 0);
    }

    [Fact]
    public async Task A_job_abandoned_mid_run_is_retried_after_its_lease_but_not_before()
    {
        using var app = new AppFactory();
        var me = await app.CreateSignedInAsync();
        await AddWindowAsync(me, IsoDayOfWeek.Tuesday, "09:00", "12:00");
        // What a crash leaves behind: claimed (Running, lease taken) but never finished.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var jobId = Assert.Single(await JobsAsync(app, me.Id)).Id;
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<WorkRunner>().ClaimAsync(GenerationJobs.Table, jobId, CancellationToken.None));
        }
        Assert.Equal(JobState.Running, Assert.Single(await JobsAsync(app, me.Id)).State);

        app.Clock.Advance(JobsOptions.DefaultLease - Duration.FromSeconds(1));
        Assert.Equal(0, await RunDueAsync(app));
        Assert.Contains("Applying", (await AvailabilityPage.OpenAsync(me.Client)).ApplyStatus);

        app.Clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(1, await RunDueAsync(app));
        var job = Assert.Single(await JobsAsync(app, me.Id));
        Assert.Equal((JobState.Succeeded, 2), (job.State, job.Attempts));
        Assert.True(await SlotCountAsync(app, me.Id) > 0);
    }

    [Fact]
    public async Task Two_runners_at_once_run_each_job_exactly_once()
    {
        using var app = new AppFactory();
        var specialists = new List<TestSpecialist>();
        for (var i = 0; i < 4; i++)
        {
            var me = await app.CreateSignedInAsync();
            await AddWindowAsync(me, IsoDayOfWeek.Friday, "09:00", "12:00");
            specialists.Add(me);
        }

        var ran = await Task.WhenAll(RunDueAsync(app), RunDueAsync(app));

        Assert.Equal(4, ran.Sum());
        var fridays = WeekdaysBetween(new LocalDate(2026, 11, 2), new LocalDate(2027, 1, 1), IsoDayOfWeek.Friday);
        foreach (var me in specialists)
        {
            var job = Assert.Single(await JobsAsync(app, me.Id));
            Assert.Equal((JobState.Succeeded, 1), (job.State, job.Attempts));
            Assert.Equal(3 * fridays, await SlotCountAsync(app, me.Id));
        }
    }

    [Fact]
    public async Task A_failed_reconcile_says_so_and_try_again_queues_another()
    {
        using var app = new AppFactory();
        var me = await app.CreateSignedInAsync();
        await AddWindowAsync(me, IsoDayOfWeek.Tuesday, "09:00", "12:00");
        // A zone this tz database doesn't know (as if stored by an older or newer one): every attempt fails.
        await app.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE \"Schedules\" SET \"TimeZoneId\" = 'Mars/Olympus_Mons' WHERE \"SpecialistId\" = {me.Id}"));

        // Each attempt after the last one's back-off.
        var policy = GenerationJobs.Table.Retry;
        for (var attempt = 0; attempt < policy.MaxAttempts; attempt++)
        {
            await RunDueAsync(app);
            app.Clock.Advance(policy.MaxDelay);
        }

        var failed = Assert.Single(await JobsAsync(app, me.Id));
        Assert.Equal((JobState.Failed, policy.MaxAttempts), (failed.State, failed.Attempts));
        await app.WithDbAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE \"Schedules\" SET \"TimeZoneId\" = 'Europe/Madrid' WHERE \"SpecialistId\" = {me.Id}"));
        var page = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Contains("couldn't be applied", page.ApplyStatus);
        Assert.Contains("Mars/Olympus_Mons", page.ApplyStatus);

        var retry = await page.RetryApplyAsync();

        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        Assert.Equal(1, await RunDueAsync(app));
        Assert.Contains("Applied", (await AvailabilityPage.OpenAsync(me.Client)).ApplyStatus);
        Assert.True(await SlotCountAsync(app, me.Id) > 0);
    }

    [Fact]
    public async Task The_reconcile_counts_a_start_skipped_after_the_spring_gap_and_the_page_says_so()
    {
        using var app = new AppFactory();
        // tzdb: America/New_York springs forward on Sunday 2027-03-14 at 02:00 EST → 03:00 EDT. A
        // 45-minute slot at 01:45 EST ends at 03:30 EDT, so the wall-clock start 03:15 is left out.
        var me = await app.CreateSignedInAsync("America/New_York", (s, now) =>
        {
            s.AddWindow(IsoDayOfWeek.Sunday, new TimeWindow(new LocalTime(1, 0), new LocalTime(5, 0), 45), now);
            s.SetBookingRules(null, 365, null, now);
        });
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<GenerationJobs>().QueueReconcileAsync(me.Id, "change", CancellationToken.None);

        await RunDueAsync(app);

        var job = Assert.Single(await JobsAsync(app, me.Id));
        Assert.Equal(1, job.SkippedOverlaps);
        Assert.Contains("1 start was left out because a clock change", (await AvailabilityPage.OpenAsync(me.Client)).ApplyStatus);
    }

    [Fact]
    public async Task The_nightly_task_runs_once_a_night_at_two_and_reconciles_every_schedule_to_its_horizon()
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

        // Monday 2 November, 12:00 UTC: tonight's run is still ahead. The demo data's own reconciles run.
        await SweepAsync();
        Assert.Empty(await NightlyJobsAsync());
        await RunDueAsync(app);

        app.Clock.Reset(Instant.FromUtc(2026, 11, 3, 2, 0));
        await SweepAsync();
        var jobs = await NightlyJobsAsync();
        Assert.All(jobs, j => Assert.True(j.State == JobState.Succeeded, $"{j.State} {j.Error}"));
        Assert.Equal(4, jobs.Count);
        var mayaJob = jobs.Single(j => j.SpecialistId == maya.Id);
        // 3 Nov 2026 02:00Z is 21:00 on 2 Nov in New York; the horizon is 60 days (to 1 Jan 2027, 21:00).
        Assert.Equal((new LocalDate(2026, 11, 2), new LocalDate(2027, 1, 1)), (mayaJob.From, mayaJob.To));
        var last = await app.WithDbAsync(db => db.Slots.Where(s => s.SpecialistId == maya.Id).MaxAsync(s => s.Start));
        Assert.Equal(new LocalDate(2027, 1, 1), last.InZone(DateTimeZoneProviders.Tzdb["America/New_York"]).Date);

        // Later sweeps the same night (this instance's or another's) queue nothing more.
        app.Clock.Advance(Duration.FromHours(3));
        await SweepAsync();
        Assert.Equal(4, (await NightlyJobsAsync()).Count);

        // Three nights later the horizon has moved over a weekend to Monday 4 January: those slots are added.
        var before = await SlotCountAsync(app, maya.Id);
        app.Clock.Reset(Instant.FromUtc(2026, 11, 6, 2, 0));
        await SweepAsync();
        Assert.Equal(8, (await NightlyJobsAsync()).Count);
        var nightly = (await JobsAsync(app, maya.Id)).Where(j => j.Origin == "nightly").MaxBy(j => j.CreatedAt)!;
        Assert.Equal((JobState.Succeeded, new LocalDate(2027, 1, 4)), (nightly.State, nightly.To));
        var slots = await app.WithDbAsync(db => db.Slots.AsNoTracking().Where(s => s.SpecialistId == maya.Id).ToListAsync());
        Assert.Equal(nightly.Created, SlotsOn(slots, new LocalDate(2027, 1, 4)));
        Assert.True(nightly.Created > 0);
        Assert.Equal(before + nightly.Created - nightly.Removed, slots.Count);
    }

    private static int SlotsOn(List<Slot> slots, LocalDate date) =>
        slots.Count(s => s.Start.InZone(DateTimeZoneProviders.Tzdb["America/New_York"]).Date == date);
}

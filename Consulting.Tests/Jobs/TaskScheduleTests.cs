using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using NodaTime;

namespace Consulting.Tests.Jobs;

public sealed class TaskScheduleTests
{
    private static readonly TaskSchedule Nightly = new TaskSchedule.DailyAt(new LocalTime(2, 0));

    [Theory]
    [InlineData("2026-11-03T01:59:59Z", "2026-11-03T02:00:00Z")]
    [InlineData("2026-11-03T02:00:00Z", "2026-11-03T02:00:00Z")]
    [InlineData("2026-11-03T02:00:01Z", "2026-11-04T02:00:00Z")]
    public void A_daily_task_first_runs_at_its_next_time_or_this_very_one(string now, string first) =>
        Assert.Equal(InstantOf(first), Nightly.First(InstantOf(now)));

    [Theory]
    [InlineData("2026-11-03T02:00:00Z", "2026-11-04T02:00:00Z")]
    [InlineData("2026-11-03T01:30:00Z", "2026-11-03T02:00:00Z")]
    // A run that started late (the instances were down at 02:00) is not followed by a catch-up run.
    [InlineData("2026-11-05T09:00:00Z", "2026-11-06T02:00:00Z")]
    public void After_a_run_a_daily_task_is_next_due_at_its_following_time(string started, string next) =>
        Assert.Equal(InstantOf(next), Nightly.Next(InstantOf(started)));

    [Fact]
    public void An_interval_task_runs_at_once_then_every_interval_from_each_start()
    {
        var every = new TaskSchedule.Every(Duration.FromSeconds(15));
        var now = Instant.FromUtc(2026, 11, 3, 2, 0);

        Assert.Equal(now, every.First(now));
        Assert.Equal(now + Duration.FromSeconds(15), every.Next(now));
    }

    [Fact]
    public void A_scheduled_task_that_failed_waits_by_its_policy_and_a_run_resets_it()
    {
        var now = Instant.FromUtc(2026, 11, 3, 2, 0);
        var task = ScheduledTask.Create("horizon", now);
        var retry = new RetryPolicy(Duration.FromSeconds(15), Duration.FromMinutes(15));

        task.Failed("database is locked", now, retry);
        Assert.Equal((now + Duration.FromSeconds(15), "database is locked"), (task.NextRunAt, task.LastError));

        task.Ran(now, now + Duration.FromDays(1));
        Assert.Equal((now + Duration.FromDays(1), now, (string?)null), (task.NextRunAt, task.LastRunAt, task.LastError));
        Assert.Throws<DomainException>(() => task.Ran(now, now));
    }

    private static Instant InstantOf(string text) => NodaTime.Text.InstantPattern.ExtendedIso.Parse(text).Value;
}

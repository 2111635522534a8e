using System.Diagnostics;
using System.Globalization;
using Consulting.Web.Bookings;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Consulting.Web.Shared;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace SlotGenerationBench;

/// <summary>
/// Slot generation speed: 200 specialists, 90 days each, on a fresh SQLite file; a first run and an
/// idempotent re-run. Then what a saved change costs: one change per specialist (a day off, a
/// removed window, a new price, a new window) reconciled over a 60-day horizon, with some slots
/// booked. Targets: ≥ 50,000 slots/s on the first run, re-run ≥ 5× faster, a change reconciled at
/// least as fast (slots/s) as the first run generates.
/// </summary>
internal static class Bench
{
    private const double TargetSlotsPerSecond = 50_000;
    private const double TargetRerunSpeedUp = 5;
    private const int HorizonDays = 60;

    private static readonly string[] Zones =
    [
        "America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney", "Asia/Tokyo",
        "America/Los_Angeles", "Europe/Berlin", "Asia/Kathmandu", "Australia/Lord_Howe", "America/Sao_Paulo",
    ];

    private static readonly IsoDayOfWeek[] Weekdays =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    public static async Task<int> Main(string[] args)
    {
        var specialists = IntOption(args, "--specialists", 200);
        var days = IntOption(args, "--days", 90);
        var strict = args.Contains("--strict");

        var folder = Path.Combine(Path.GetTempPath(), "slot-generation-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var connectionString = SqliteSetup.ResolveConnectionString($"Data Source={Path.Combine(folder, "bench.db")}", folder);
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseSqlite(connectionString, sqlite => sqlite.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .AddInterceptors(new SqlitePragmaInterceptor())
            .Options;
        IClock clock = SystemClock.Instance;
        var offerRules = new OfferRules(Options.Create(new BookingOptions()), Options.Create(new SchedulingOptions { HorizonDays = HorizonDays }));

        try
        {
            await using (var db = new AppDbContext(options))
            {
                await db.Database.MigrateAsync();
                SqliteSetup.EnableWriteAheadLog(db);
            }

            var ids = await CreateSpecialistsAsync(options, clock, specialists + 1);
            var warmUp = ids[^1];
            ids.RemoveAt(ids.Count - 1);
            // One specialist outside the timing: EF's model, query compilation and the JIT warm up there.
            await GenerateAllAsync(options, clock, offerRules, [warmUp], days);

            Console.WriteLine($"Slot generation: {specialists} specialists × {days} days, Mon–Fri 09:00–12:00 and 13:00–17:00 in 30-minute slots, {Zones.Length} zones");
            var (first, firstTime) = await GenerateAllAsync(options, clock, offerRules, ids, days);
            var (again, againTime) = await GenerateAllAsync(options, clock, offerRules, ids, days);

            var stored = await CountSlotsAsync(options, except: warmUp.Id);
            var firstRate = first.Created / firstTime.TotalSeconds;
            var planned = again.Unchanged;
            var speedUp = firstTime / againTime;
            Console.WriteLine($"first run : {first.Created,9:N0} slots created in {firstTime.TotalSeconds,7:F3} s = {firstRate,10:N0} slots/s");
            Console.WriteLine($"re-run    : {again.Created,9:N0} created, {planned:N0} unchanged in {againTime.TotalSeconds,7:F3} s = {planned / againTime.TotalSeconds,10:N0} slots/s");
            Console.WriteLine($"re-run speed-up: {speedUp:F1}×");
            Console.WriteLine($"slots in the database (without the warm-up specialist's): {stored:N0}");

            // The state a nightly reconcile leaves (untimed): the 60-day horizon, some slots booked.
            await ReconcileAllAsync(options, clock, offerRules, ids);
            var booked = await BookSomeAsync(options, except: warmUp.Id);
            await ChangeEachAsync(options, clock, ids);
            var (change, changeTime) = await ReconcileAllAsync(options, clock, offerRules, ids);
            var settled = change.Created + change.Unchanged + change.Removed;
            var changeRate = settled / changeTime.TotalSeconds;
            Console.WriteLine($"a change  : {settled,9:N0} slots settled ({change.Created:N0} created, {change.Removed:N0} removed, " +
                $"{change.Unchanged:N0} kept or repriced; {change.Conflicts:N0} of {booked:N0} booked slots now conflicts) " +
                $"over {HorizonDays} days in {changeTime.TotalSeconds,7:F3} s = {changeRate,10:N0} slots/s");

            var rateMet = firstRate >= TargetSlotsPerSecond;
            var speedUpMet = speedUp >= TargetRerunSpeedUp;
            var changeMet = changeRate >= firstRate;
            var idempotent = again.Created == 0 && again.Unchanged == first.Created && stored == first.Created;
            Console.WriteLine($"target ≥ {TargetSlotsPerSecond:N0} slots/s on the first run: {(rateMet ? "met" : "NOT met")}");
            Console.WriteLine($"target re-run ≥ {TargetRerunSpeedUp:F0}× faster: {(speedUpMet ? "met" : "NOT met")}");
            Console.WriteLine($"target a change reconciled ≥ the first run's slots/s ({firstRate:N0}): {(changeMet ? "met" : "NOT met")}");
            Console.WriteLine($"re-run created nothing: {(idempotent ? "yes" : "NO")}");
            return !idempotent || (strict && !(rateMet && speedUpMet && changeMet)) ? 1 : 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { /* the OS cleans its temp folder */ }
        }
    }

    private sealed record Totals(long Created, long Unchanged, long Removed = 0, long Conflicts = 0);

    private static async Task<(Totals Totals, TimeSpan Elapsed)> GenerateAllAsync(DbContextOptions<AppDbContext> options,
        IClock clock, OfferRules offerRules, IReadOnlyList<(Guid Id, string Zone)> specialists, int days)
    {
        long created = 0, unchanged = 0;
        var stopwatch = Stopwatch.StartNew();
        foreach (var (id, zone) in specialists)
        {
            // A context per specialist, as each generation job gets its own scope in the app.
            await using var db = new AppDbContext(options);
            var from = clock.GetCurrentInstant().InZone(TimeZones.Get(zone)).Date;
            var result = await new SlotGenerator(db, clock, offerRules)
                .GenerateAsync(id, from, from.PlusDays(days - 1), overwrite: false, CancellationToken.None);
            created += result.Created;
            unchanged += result.Unchanged;
        }
        stopwatch.Stop();
        return (new Totals(created, unchanged), stopwatch.Elapsed);
    }

    /// <summary>What the job a saved change queues does, for each specialist: their reconcile to the horizon.</summary>
    private static async Task<(Totals Totals, TimeSpan Elapsed)> ReconcileAllAsync(DbContextOptions<AppDbContext> options,
        IClock clock, OfferRules offerRules, IReadOnlyList<(Guid Id, string Zone)> specialists)
    {
        long created = 0, unchanged = 0, removed = 0, conflicts = 0;
        var stopwatch = Stopwatch.StartNew();
        foreach (var (id, _) in specialists)
        {
            await using var db = new AppDbContext(options);
            var result = await new SlotGenerator(db, clock, offerRules).ReconcileAsync(id, CancellationToken.None);
            (created, unchanged, removed, conflicts) =
                (created + result.Created, unchanged + result.Unchanged, removed + result.Removed, conflicts + result.Conflicts.Count);
        }
        stopwatch.Stop();
        return (new Totals(created, unchanged, removed, conflicts), stopwatch.Elapsed);
    }

    /// <summary>One slot in 25 booked (straight in the file: the bench times reconciles, not bookings).</summary>
    private static async Task<int> BookSomeAsync(DbContextOptions<AppDbContext> options, Guid except)
    {
        await using var db = new AppDbContext(options);
        return await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE \"Slots\" SET \"State\" = {(int)SlotState.Booked} WHERE \"SpecialistId\" <> {except} AND abs(random() % 25) = 0");
    }

    /// <summary>One change a specialist might make, in turn: a day off, a removed window, a new price, a new window.</summary>
    private static async Task ChangeEachAsync(DbContextOptions<AppDbContext> options, IClock clock, IReadOnlyList<(Guid Id, string Zone)> specialists)
    {
        var now = clock.GetCurrentInstant();
        await using var db = new AppDbContext(options);
        for (var i = 0; i < specialists.Count; i++)
        {
            var (id, zone) = specialists[i];
            var schedule = await db.Schedules.SingleAsync(s => s.SpecialistId == id);
            var today = now.InZone(TimeZones.Get(zone)).Date;
            switch (i % 4)
            {
                case 0:
                    schedule.SetException(today.PlusDays(7 + i % 20), false, [], "Day off", now);
                    break;
                case 1:
                    schedule.RemoveWindow(schedule.WindowsOn(IsoDayOfWeek.Wednesday).Last().Id, now);
                    break;
                case 2:
                    schedule.UpdateSettings(zone, schedule.ActiveFrom, schedule.BufferMinutes, new Money(9500, "USD"), now);
                    break;
                default:
                    schedule.AddWindow(IsoDayOfWeek.Saturday, new TimeWindow(new LocalTime(10, 0), new LocalTime(12, 0), 30, 12000), now);
                    break;
            }
        }
        await db.SaveChangesAsync();
    }

    private static async Task<List<(Guid Id, string Zone)>> CreateSpecialistsAsync(DbContextOptions<AppDbContext> options, IClock clock, int count)
    {
        var now = clock.GetCurrentInstant();
        var created = new List<(Guid, string)>(count);
        await using var db = new AppDbContext(options);
        for (var i = 0; i < count; i++)
        {
            var zone = Zones[i % Zones.Length];
            var user = new AppUser
            {
                Id = Guid.NewGuid().ToString(),
                UserName = $"specialist{i}@bench.example",
                NormalizedUserName = $"SPECIALIST{i}@BENCH.EXAMPLE",
                Email = $"specialist{i}@bench.example",
                NormalizedEmail = $"SPECIALIST{i}@BENCH.EXAMPLE",
                DisplayName = $"Specialist {i}",
                TimeZoneId = zone,
            };
            db.Users.Add(user);
            var profile = SpecialistProfile.Create(user.Id, $"specialist-{i}", user.DisplayName, "Benchmark", zone, "USD",
                Consulting.Web.Calendar.SpecialistFeed.NewSecret(), now);
            db.Specialists.Add(profile);
            var today = now.InZone(TimeZones.Get(zone)).Date;
            var schedule = AvailabilitySchedule.Create(profile.Id, zone, today, 0, new Money(9000, "USD"), now);
            foreach (var day in Weekdays)
            {
                schedule.AddWindow(day, new TimeWindow(new LocalTime(9, 0), new LocalTime(12, 0), 30), now);
                schedule.AddWindow(day, new TimeWindow(new LocalTime(13, 0), new LocalTime(17, 0), 30), now);
            }
            db.Schedules.Add(schedule);
            created.Add((profile.Id, zone));
        }
        await db.SaveChangesAsync();
        return created;
    }

    private static async Task<long> CountSlotsAsync(DbContextOptions<AppDbContext> options, Guid except)
    {
        await using var db = new AppDbContext(options);
        return await db.Slots.LongCountAsync(s => s.SpecialistId != except);
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
    }
}

using Consulting.Tests.Support;
using Consulting.Web.Accounts;
using Consulting.Web.Bookings;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Tests.Scheduling;

/// <summary>
/// Slot generation against a real SQLite file. The clock stands at Monday 2026-11-02 12:00Z, which
/// is 07:00 EST in New York (tzdb: America/New_York is on EST, -05:00, from 2026-11-01).
/// </summary>
public sealed class SlotGeneratorTests : IDisposable
{
    private const string Zone = "America/New_York";
    private static readonly LocalDate NextMonday = new(2026, 11, 9);
    private static readonly LocalDate NextFriday = new(2026, 11, 13);
    private static readonly IsoDayOfWeek[] Weekdays =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private Instant Now => _app.Clock.GetCurrentInstant();

    private static TimeWindow Window(int startHour, int endHour, int slotMinutes) =>
        new(new LocalTime(startHour, 0), new LocalTime(endHour, 0), slotMinutes);

    private static Instant At(LocalDate date, int hour, int minute = 0) =>
        date.At(new LocalTime(hour, minute)).InZoneStrictly(DateTimeZoneProviders.Tzdb[Zone]).ToInstant();

    private async Task<Guid> NewSpecialistAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var registration = scope.ServiceProvider.GetRequiredService<Registration>();
        var email = $"specialist-{Guid.NewGuid():N}@example.com";
        var result = await registration.RegisterSpecialistAsync(new NewSpecialist(
            new NewAccount(email, "Dana Specialist", "correct horse battery", null), "Career coaching", Zone, "USD", 9000));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Message)));
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Specialists.Where(p => p.UserId == result.User!.Id).Select(p => p.Id).SingleAsync();
    }

    /// <summary>Replaces the weekday windows of the specialist's schedule.</summary>
    private Task SetWeekdaysAsync(Guid specialistId, params TimeWindow[] windows) => EditScheduleAsync(specialistId, s =>
    {
        foreach (var old in s.Windows.ToList()) s.RemoveWindow(old.Id, Now);
        foreach (var day in Weekdays)
            foreach (var window in windows)
                s.AddWindow(day, window, Now);
    });

    private Task EditScheduleAsync(Guid specialistId, Action<AvailabilitySchedule> edit) => _app.WithDbAsync(async db =>
    {
        var schedule = await db.Schedules.SingleAsync(s => s.SpecialistId == specialistId);
        edit(schedule);
        await db.SaveChangesAsync();
    });

    private Task<GenerationResult> GenerateAsync(Guid specialistId, LocalDate from, LocalDate to, bool overwrite = false) =>
        _app.WithDbAsync(db => new SlotGenerator(db, _app.Clock, _app.GetService<OfferRules>())
            .GenerateAsync(specialistId, from, to, overwrite, CancellationToken.None));

    private Task<List<Slot>> SlotsAsync(Guid specialistId) => _app.WithDbAsync(db =>
        db.Slots.AsNoTracking().Where(s => s.SpecialistId == specialistId).OrderBy(s => s.Start).ToListAsync());

    private Task ChangeSlotAsync(Guid specialistId, Instant start, Action<Slot> change) => _app.WithDbAsync(async db =>
    {
        var slot = await db.Slots.SingleAsync(s => s.SpecialistId == specialistId && s.Start == start);
        change(slot);
        await db.SaveChangesAsync();
    });

    private static void AssertNoOverlaps(List<Slot> slots)
    {
        for (var i = 1; i < slots.Count; i++)
            Assert.True(slots[i - 1].End <= slots[i].Start,
                $"{slots[i - 1].Start}–{slots[i - 1].End} overlaps {slots[i].Start}–{slots[i].End}");
    }

    [Fact]
    public async Task Generated_slots_read_back_through_ef_with_their_guids_and_instants()
    {
        var specialistId = await NewSpecialistAsync();
        await SetWeekdaysAsync(specialistId, Window(9, 12, 60));

        var result = await GenerateAsync(specialistId, NextMonday, NextFriday);

        Assert.Equal(15, result.Created);
        var slots = await SlotsAsync(specialistId);
        Assert.Equal(15, slots.Count);
        Assert.Equal(15, slots.Select(s => s.Id).Distinct().Count());
        // 09:00 EST is 14:00Z (tzdb: America/New_York is -05:00 in November after the fall-back).
        Assert.Equal(Instant.FromUtc(2026, 11, 9, 14, 0), slots[0].Start);
        Assert.Equal(Instant.FromUtc(2026, 11, 9, 15, 0), slots[0].End);
        Assert.All(slots, s =>
        {
            Assert.Equal(SlotState.Available, s.State);
            Assert.Equal(new Money(9000, "USD"), s.Price);
            Assert.Equal(Zone, s.TimeZoneId);
            Assert.Equal(Now, s.CreatedAt);
            Assert.Null(s.BookingId);
            Assert.Null(s.HeldUntil);
        });

        // A Guid-keyed lookup through EF finds a generated row by its id.
        var first = slots[0];
        var byId = await _app.WithDbAsync(db => db.Slots.AsNoTracking().SingleAsync(s => s.Id == first.Id));
        Assert.Equal(first.Start, byId.Start);

        // The raw columns hold what EF itself writes: the specialist id joins to the id EF stored in
        // Specialists (on SQLite as upper-case text, on PostgreSQL as uuid); instants and the state are integers.
        var (joined, textIds, integerTimes) = await _app.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = TestDatabase.IsPostgres
                ? """
                  SELECT
                    (SELECT COUNT(*) FROM "Slots" s JOIN "Specialists" p ON p."Id" = s."SpecialistId"),
                    (SELECT COUNT(*) FROM "Slots" WHERE pg_typeof("Id") = 'uuid'::regtype),
                    (SELECT COUNT(*) FROM "Slots" WHERE pg_typeof("Start") = 'bigint'::regtype AND pg_typeof("End") = 'bigint'::regtype
                       AND pg_typeof("State") = 'integer'::regtype)
                  """
                : """
                  SELECT
                    (SELECT COUNT(*) FROM "Slots" s JOIN "Specialists" p ON p."Id" = s."SpecialistId"),
                    (SELECT COUNT(*) FROM "Slots" WHERE typeof("Id") = 'text' AND "Id" = upper("Id")),
                    (SELECT COUNT(*) FROM "Slots" WHERE typeof("Start") = 'integer' AND typeof("End") = 'integer' AND typeof("State") = 'integer')
                  """;
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        });
        Assert.Equal(15, joined);
        Assert.Equal(15, textIds);
        Assert.Equal(15, integerTimes);
    }

    [Fact]
    public async Task Running_generation_twice_creates_nothing_the_second_time()
    {
        var specialistId = await NewSpecialistAsync();
        await SetWeekdaysAsync(specialistId, Window(9, 12, 60), Window(13, 17, 30));

        var first = await GenerateAsync(specialistId, NextMonday, NextMonday.PlusDays(27));
        var before = await SlotsAsync(specialistId);
        var second = await GenerateAsync(specialistId, NextMonday, NextMonday.PlusDays(27));
        var withOverwrite = await GenerateAsync(specialistId, NextMonday, NextMonday.PlusDays(27), overwrite: true);

        Assert.Equal(20 * 11, first.Created);
        Assert.Equal((0, first.Created, 0, 0), (second.Created, second.Unchanged, second.Removed, second.SkippedOverlaps));
        Assert.Empty(second.Conflicts);
        Assert.Equal((0, first.Created, 0, 0), (withOverwrite.Created, withOverwrite.Unchanged, withOverwrite.Removed, withOverwrite.SkippedOverlaps));
        Assert.Empty(withOverwrite.Conflicts);
        var after = await SlotsAsync(specialistId);
        Assert.Equal(before.Select(s => (s.Id, s.Start, s.End)), after.Select(s => (s.Id, s.Start, s.End)));
    }

    [Fact]
    public async Task Overwrite_replaces_free_slots_keeps_held_booked_and_blocked_ones_and_lists_them_as_conflicts()
    {
        var specialistId = await NewSpecialistAsync();
        await SetWeekdaysAsync(specialistId, Window(9, 12, 60));
        await GenerateAsync(specialistId, NextMonday, NextFriday);
        var (tuesday, wednesday) = (NextMonday.PlusDays(1), NextMonday.PlusDays(2));
        var heldBy = Guid.NewGuid();
        var bookedBy = Guid.NewGuid();
        var holdUntil = Now + Duration.FromMinutes(15);
        await ChangeSlotAsync(specialistId, At(NextMonday, 9), s => s.MarkHeld(heldBy, holdUntil));
        await ChangeSlotAsync(specialistId, At(tuesday, 10), s => s.MarkHeld(bookedBy, holdUntil).Book(bookedBy));
        await ChangeSlotAsync(specialistId, At(wednesday, 11), s => s.Block("Conference"));
        var taken = (await SlotsAsync(specialistId)).Where(s => s.State != SlotState.Available).ToList();

        // From hourly 09:00–12:00 to half-hourly 10:00–12:00 at a new price.
        await SetWeekdaysAsync(specialistId, Window(10, 12, 30));
        await EditScheduleAsync(specialistId, s => s.UpdateSettings(Zone, s.ActiveFrom, 0, new Money(6000, "USD"), Now));
        var result = await GenerateAsync(specialistId, NextMonday, NextFriday, overwrite: true);

        // Per day the plan is 10:00, 10:30, 11:00, 11:30. Free 09:00s go (Mon's is held); free
        // 10:00s and 11:00s stay as they are, shortened to 30 minutes; 10:30 and 11:30 are new,
        // except Tue 10:30 (inside the booked 10:00–11:00) and Wed 11:30 (inside the blocked 11:00–12:00).
        Assert.Equal(4, result.Removed);
        Assert.Equal(10, result.Unchanged);
        Assert.Equal(8, result.Created);
        Assert.Equal(2, result.SkippedOverlaps);
        Assert.Equal(taken.Select(s => (s.Id, s.Start, s.End, s.State, s.BlockReason)),
            result.Conflicts.Select(c => (c.SlotId, c.Start, c.End, c.State, c.BlockReason)));

        var slots = await SlotsAsync(specialistId);
        AssertNoOverlaps(slots);
        foreach (var before in taken)
        {
            var after = Assert.Single(slots, s => s.Id == before.Id);
            Assert.Equal((before.Start, before.End, before.State, before.BookingId, before.HeldUntil, before.BlockReason, before.Price),
                (after.Start, after.End, after.State, after.BookingId, after.HeldUntil, after.BlockReason, after.Price));
        }
        var free = slots.Where(s => s.State == SlotState.Available).ToList();
        Assert.Equal(16, free.Count);
        Assert.All(free, s =>
        {
            Assert.Equal(Duration.FromMinutes(30), s.Length);
            Assert.Equal(new Money(6000, "USD"), s.Price);
            Assert.InRange(s.Start.InZone(DateTimeZoneProviders.Tzdb[Zone]).TimeOfDay, new LocalTime(10, 0), new LocalTime(11, 30));
        });
    }

    [Fact]
    public async Task Overwrite_leaves_slots_outside_the_range_alone()
    {
        var specialistId = await NewSpecialistAsync();
        await SetWeekdaysAsync(specialistId, Window(9, 12, 60));
        await GenerateAsync(specialistId, NextMonday, NextFriday);

        await SetWeekdaysAsync(specialistId, Window(14, 16, 60));
        var result = await GenerateAsync(specialistId, NextMonday, NextMonday.PlusDays(1), overwrite: true);

        Assert.Equal((4, 6, 0), (result.Created, result.Removed, result.Unchanged));
        var slots = await SlotsAsync(specialistId);
        Assert.Equal(4 + 9, slots.Count);
        // Wednesday to Friday still have their 09:00–12:00 slots.
        Assert.Equal(9, slots.Count(s => s.Start >= At(NextMonday.PlusDays(2), 0)));
        AssertNoOverlaps(slots);
    }

    [Fact]
    public async Task Without_overwrite_a_changed_pattern_adds_only_slots_that_overlap_nothing()
    {
        var specialistId = await NewSpecialistAsync();
        await SetWeekdaysAsync(specialistId, Window(9, 12, 60));
        await GenerateAsync(specialistId, NextMonday, NextFriday);

        // Half-hourly 10:00–13:00: 10:00 and 11:00 exist, 10:30 and 11:30 fall inside existing
        // hour-long slots, 12:00 and 12:30 are free to add.
        await SetWeekdaysAsync(specialistId, Window(10, 13, 30));
        var result = await GenerateAsync(specialistId, NextMonday, NextFriday);

        Assert.Equal((10, 10, 10, 0), (result.Created, result.Unchanged, result.SkippedOverlaps, result.Removed));
        Assert.Empty(result.Conflicts);
        var slots = await SlotsAsync(specialistId);
        Assert.Equal(25, slots.Count);
        AssertNoOverlaps(slots);
        // Nothing already there was changed: the 09:00s remain, and the 10:00s still last an hour.
        Assert.Equal(5, slots.Count(s => s.Start.InZone(DateTimeZoneProviders.Tzdb[Zone]).TimeOfDay == new LocalTime(9, 0)));
        Assert.All(slots.Where(s => s.Start.InZone(DateTimeZoneProviders.Tzdb[Zone]).TimeOfDay == new LocalTime(10, 0)),
            s => Assert.Equal(Duration.FromHours(1), s.Length));
    }

    [Fact]
    public async Task Past_slots_are_not_generated_and_slots_inside_the_minimum_notice_are_not_offered()
    {
        var specialistId = await NewSpecialistAsync();
        await SetWeekdaysAsync(specialistId, Window(6, 12, 60));
        await EditScheduleAsync(specialistId, s => s.UpdateSettings(Zone, new LocalDate(2026, 10, 26), 0, s.DefaultPrice, Now));

        // Now is Mon 2026-11-02 07:00 EST: 08:00 is the first start still ahead.
        var result = await GenerateAsync(specialistId, new LocalDate(2026, 10, 26), new LocalDate(2026, 11, 3));

        var slots = await SlotsAsync(specialistId);
        Assert.Equal(4 + 6, result.Created);
        Assert.Equal(At(new LocalDate(2026, 11, 2), 8), slots[0].Start);
        // The default two-hour notice makes 09:00 EST the first time a customer is offered.
        await using var scope = _app.Services.CreateAsyncScope();
        var open = await scope.ServiceProvider.GetRequiredService<OpenSlots>()
            .BetweenAsync(specialistId, Now, Now + Duration.FromDays(2), CancellationToken.None);
        Assert.Equal(At(new LocalDate(2026, 11, 2), 9), open[0].Start);
    }

    [Fact]
    public async Task Overwrite_does_not_remove_a_free_slot_that_has_started()
    {
        var specialistId = await NewSpecialistAsync();
        await SetWeekdaysAsync(specialistId, Window(9, 12, 60));
        await GenerateAsync(specialistId, new LocalDate(2026, 11, 2), new LocalDate(2026, 11, 2));
        // 09:30 EST: the 09:00 slot has started; it is history now, whatever the hours say.
        _app.Clock.Advance(Duration.FromMinutes(150));
        await SetWeekdaysAsync(specialistId);

        var result = await GenerateAsync(specialistId, new LocalDate(2026, 11, 2), new LocalDate(2026, 11, 2), overwrite: true);

        Assert.Equal((0, 0, 2), (result.Created, result.Unchanged, result.Removed));
        Assert.Equal([At(new LocalDate(2026, 11, 2), 9)], (await SlotsAsync(specialistId)).Select(s => s.Start));
    }

    [Fact]
    public async Task Overwrite_removes_a_released_slot_that_a_cancelled_booking_still_points_at()
    {
        var specialistId = await NewSpecialistAsync();
        await SetWeekdaysAsync(specialistId, Window(9, 12, 60));
        await GenerateAsync(specialistId, NextMonday, NextMonday);
        var start = At(NextMonday, 9);
        await _app.WithDbAsync(async db =>
        {
            var slot = await db.Slots.SingleAsync(s => s.SpecialistId == specialistId && s.Start == start);
            var booking = Booking.Place(Guid.NewGuid(), slot,
                new CustomerDetails("Casey Customer", "casey@example.com", null, "Europe/Paris", null),
                null, Now + Duration.FromMinutes(15), Now);
            slot.MarkHeld(booking.Id, booking.HoldExpiresAt);
            db.Bookings.Add(booking);
            await db.SaveChangesAsync();
            booking.Cancel(Actor.Customer(null), "Changed my mind", Now, new CancellationPolicy(Duration.FromHours(24)));
            slot.Release(booking.Id);
            await db.SaveChangesAsync();
        });

        await SetWeekdaysAsync(specialistId, Window(14, 16, 60));
        var result = await GenerateAsync(specialistId, NextMonday, NextMonday, overwrite: true);

        // The cancelled booking keeps its own copy of the time; its freed slot goes with the old pattern.
        Assert.Equal((3, 2), (result.Removed, result.Created));
        var slots = await SlotsAsync(specialistId);
        Assert.DoesNotContain(slots, s => s.Start == start);
        Assert.Equal(2, slots.Count);
        var booking = await _app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.SpecialistId == specialistId));
        Assert.Equal((BookingStatus.Cancelled, start), (booking.Status, booking.Start));
    }

    [Fact]
    public async Task Slots_across_a_spring_gap_are_stored_at_their_real_instants()
    {
        // tzdb: America/New_York springs forward on Sunday 2027-03-14 at 02:00 EST → 03:00 EDT.
        var date = new LocalDate(2027, 3, 14);
        var zone = DateTimeZoneProviders.Tzdb[Zone];
        Assert.Equal(Offset.FromHours(-5), zone.GetUtcOffset(Instant.FromUtc(2027, 3, 14, 6, 59)));
        Assert.Equal(Offset.FromHours(-4), zone.GetUtcOffset(Instant.FromUtc(2027, 3, 14, 7, 0)));
        var specialistId = await NewSpecialistAsync();
        await EditScheduleAsync(specialistId, s => s.AddWindow(IsoDayOfWeek.Sunday, Window(1, 4, 60), Now));

        var result = await GenerateAsync(specialistId, date, date);

        Assert.Equal(2, result.Created);
        var slots = await SlotsAsync(specialistId);
        Assert.Equal([Instant.FromUtc(2027, 3, 14, 6, 0), Instant.FromUtc(2027, 3, 14, 7, 0)], slots.Select(s => s.Start));
        Assert.All(slots, s => Assert.Equal(Duration.FromHours(1), s.Length));
    }

    [Fact]
    public async Task Generation_without_a_schedule_asks_for_availability_first()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => GenerateAsync(Guid.NewGuid(), NextMonday, NextFriday));

        Assert.Equal("Set up your availability first.", error.Message);
    }

    [Fact]
    public async Task A_generation_that_fails_part_way_saves_nothing()
    {
        var specialistId = await NewSpecialistAsync();
        await SetWeekdaysAsync(specialistId, Window(9, 12, 60));
        await GenerateAsync(specialistId, NextMonday, NextFriday);
        var before = await SlotsAsync(specialistId);
        await SetWeekdaysAsync(specialistId, Window(14, 16, 60));
        // The database refuses Friday's last new slot, after the removals and most inserts ran.
        // (DDL takes no parameters; the value is a number we made.)
        var refused = At(NextFriday, 15).ToUnixTimeTicks();
        var trigger = TestDatabase.IsPostgres
            ? $"""
              CREATE FUNCTION fail_one_slot() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN IF NEW."Start" = {refused} THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
              CREATE TRIGGER "FailOneSlot" BEFORE INSERT ON "Slots" FOR EACH ROW EXECUTE FUNCTION fail_one_slot();
              """
            : $"""CREATE TRIGGER "FailOneSlot" BEFORE INSERT ON "Slots" WHEN NEW."Start" = {refused} BEGIN SELECT RAISE(ABORT, 'refused'); END;""";
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(trigger));

        await Assert.ThrowsAnyAsync<Exception>(() => GenerateAsync(specialistId, NextMonday, NextFriday, overwrite: true));

        var after = await SlotsAsync(specialistId);
        Assert.Equal(before.Select(s => (s.Id, s.Start, s.End)), after.Select(s => (s.Id, s.Start, s.End)));
    }
}

using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Notifications;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Pages.Specialist;

/// <summary>
/// Changes on the availability page reach customers with no "generate" step: the save queues a
/// reconcile, the background runner runs it (here: the test, as the runner would), and the public
/// week page and the database follow. The clock stands at Monday 2 Nov 2026 12:00Z, 13:00 in
/// Madrid (CET, UTC+1), where the specialist works weekdays 09:00–13:00 in hourly slots at €50.
/// </summary>
public sealed class AvailabilityAppliesTests : IDisposable
{
    private static readonly DateTimeZone Madrid = DateTimeZoneProviders.Tzdb["Europe/Madrid"];
    private static readonly LocalDate Wednesday = new(2026, 11, 11);

    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private sealed record Specialist(TestSpecialist Me, string Slug);

    private async Task<Specialist> SpecialistAsync(Action<AvailabilitySchedule, Instant>? more = null)
    {
        var me = await _app.CreateSignedInAsync("Europe/Madrid", (s, now) =>
        {
            foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
                s.AddWindow(day, new TimeWindow(new LocalTime(9, 0), new LocalTime(13, 0), 60), now);
            more?.Invoke(s, now);
        });
        await _app.ApplyScheduleAsync(me.Id);
        var slug = await _app.WithDbAsync(db => db.Specialists.Where(p => p.Id == me.Id).Select(p => p.Slug).SingleAsync());
        return new Specialist(me, slug);
    }

    /// <summary>What the background runner does a moment after a save.</summary>
    private async Task RunBackgroundAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<GenerationJobs>().RunDueAsync(CancellationToken.None);
    }

    private Task<List<Slot>> SlotsAsync(Guid specialistId) => _app.WithDbAsync(db =>
        db.Slots.AsNoTracking().Where(s => s.SpecialistId == specialistId).OrderBy(s => s.Start).ToListAsync());

    private static Instant At(LocalDate date, int hour) => date.At(new LocalTime(hour, 0)).InZoneStrictly(Madrid).ToInstant();

    private async Task<Slot> SlotAtAsync(Guid specialistId, LocalDate date, int hour) =>
        (await SlotsAsync(specialistId)).Single(s => s.Start == At(date, hour));

    /// <summary>The slot ids a customer can choose on the public page.</summary>
    private static HashSet<string> Offered(OpenTimesPage page) => page.OfferedSlotIds.Select(id => id.ToString()).ToHashSet();

    private static Task<OpenTimesPage> WeekPageAsync(HttpClient customer, Specialist s, string zone = "Asia/Tokyo", string week = "2026-11-09") =>
        OpenTimesPage.OpenAsync(customer, s.Slug, week, zone);

    private static async Task<HttpResponseMessage> AddDayOffAsync(TestSpecialist me, LocalDate date) =>
        await (await AvailabilityPage.OpenAsync(me.Client)).AddDayOffAsync(date, "Conference");

    [Fact]
    public async Task A_day_off_reaches_the_week_page_and_the_database_and_taken_slots_stay_and_are_listed_as_conflicts()
    {
        var s = await SpecialistAsync();
        var free = await SlotAtAsync(s.Me.Id, Wednesday, 9);
        var booked = await _app.ConfirmedBookingAsync(await SlotAtAsync(s.Me.Id, Wednesday, 10));
        var held = await _app.HeldBookingAsync(await SlotAtAsync(s.Me.Id, Wednesday, 11));
        await _app.WithDbAsync(async db =>
        {
            var slot = await db.Slots.SingleAsync(x => x.SpecialistId == s.Me.Id && x.Start == At(Wednesday, 12));
            slot.Block("Dentist");
            await db.SaveChangesAsync();
        });
        var customer = _app.CreateBrowserLikeClient();
        var before = await WeekPageAsync(customer, s);
        Assert.Contains(free.Id.ToString(), Offered(before));

        var saved = await AddDayOffAsync(s.Me, Wednesday);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await RunBackgroundAsync();

        // The database: the free slot is gone; the booked, held and blocked ones keep their state and price.
        var wednesday = (await SlotsAsync(s.Me.Id)).Where(x => x.Day == Wednesday).ToList();
        Assert.Equal([(SlotState.Booked, 5000L), (SlotState.Held, 5000L), (SlotState.Blocked, 5000L)],
            wednesday.Select(x => (x.State, x.PriceMinor)));
        Assert.All(wednesday, x => Assert.Equal(SlotUnavailability.OutsideHours, x.Unavailability));
        Assert.Equal(booked.Id, wednesday[0].BookingId);
        Assert.Equal(BookingStatus.Confirmed, (await _app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booked.Id))).Status);
        Assert.Equal(held.Id, wednesday[1].BookingId);

        // A customer still looking at the old page (it may even be cached a moment) loses the hold.
        var stale = await before.ChooseAsync(free);
        Assert.Equal(HttpStatusCode.SeeOther, stale.StatusCode);
        var taken = await OpenTimesPage.OpenAtAsync(customer, stale.Headers.Location!.OriginalString);
        Assert.Equal("This time was just taken", taken.TakenHeading);
        Assert.NotEmpty(taken.NearestSlotIds);

        // A minute on the week page no longer offers Wednesday (in Tokyo, 17:00–21:00 that day).
        _app.Clock.Advance(Duration.FromMinutes(1));
        var after = await WeekPageAsync(customer, s);
        Assert.Equal(0, after.SlotCountOn(2));
        Assert.Equal(4, after.SlotCountOn(1));

        // The specialist sees the taken times as conflicts, the booked one with a link to its booking.
        var page = await AvailabilityPage.OpenAsync(s.Me.Client);
        Assert.Contains("Applied", page.ApplyStatus);
        var conflicts = page.Conflicts;
        Assert.Equal(3, conflicts.Count);
        Assert.Contains("Wed 11 Nov 2026, 10:00–11:00", conflicts[0].Text());
        Assert.Equal($"/specialist/bookings?From=2026-11-11&To=2026-11-11#booking-{booked.Id:N}",
            conflicts[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("Held", conflicts[1].Text());
        Assert.Contains("Dentist", conflicts[2].Text());
        var list = await s.Me.Client.GetPageAsync(conflicts[0].QuerySelector("a")!.GetAttribute("href")!);
        Assert.NotNull(list.QuerySelector($"#booking-{booked.Id:N}"));
        // The month calendar marks them too.
        var month = await s.Me.Client.GetPageAsync("/specialist/calendar?year=2026&month=11");
        Assert.Equal(3, month.QuerySelectorAll("#cal-2026-11-11 .cal-slot.outside-hours").Length);
        Assert.Contains("outside your current hours", month.QuerySelector("#cal-2026-11-11 .cal-slot").Text());
    }

    [Fact]
    public async Task When_the_held_slot_of_a_conflict_is_released_it_is_not_offered_again()
    {
        var s = await SpecialistAsync();
        var slot = await SlotAtAsync(s.Me.Id, Wednesday, 11);
        await _app.HeldBookingAsync(slot);
        await AddDayOffAsync(s.Me, Wednesday);
        await RunBackgroundAsync();

        // The checkout is abandoned: the hold expires and frees the slot.
        _app.Clock.Advance(Duration.FromMinutes(20));
        await using (var scope = _app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.HoldExpiry>().ReleaseExpiredAsync(CancellationToken.None);

        Assert.Equal(SlotState.Available, (await SlotAtAsync(s.Me.Id, Wednesday, 11)).State);
        Assert.DoesNotContain(slot.Id.ToString(), Offered(await WeekPageAsync(_app.CreateBrowserLikeClient(), s)));
        var month = await s.Me.Client.GetPageAsync("/specialist/calendar?year=2026&month=11");
        Assert.Null(month.QuerySelector($"[data-slot-id='{slot.Id}']"));
        Assert.IsType<Consulting.Web.Bookings.HoldOutcome.Taken>(await HoldAsync(slot.Id));
    }

    [Fact]
    public async Task Removing_a_window_with_htmx_takes_its_free_slots_away_and_keeps_the_booked_one()
    {
        var s = await SpecialistAsync();
        var monday = new LocalDate(2026, 11, 9);
        var booked = await _app.ConfirmedBookingAsync(await SlotAtAsync(s.Me.Id, monday, 9));
        var page = await AvailabilityPage.OpenAsync(s.Me.Client);

        var removed = await page.RemoveFirstWindowAsync(IsoDayOfWeek.Monday, htmx: true);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Contains("Applying", (await AvailabilityPage.ReadAsync(s.Me.Client, removed)).ApplyStatus);
        await RunBackgroundAsync();

        var slots = await SlotsAsync(s.Me.Id);
        var mondays = slots.Where(x => x.Day!.Value.DayOfWeek == IsoDayOfWeek.Monday && x.Start > _app.Clock.GetCurrentInstant()).ToList();
        Assert.Equal([booked.SlotId], mondays.Select(x => x.Id));
        Assert.Equal((SlotState.Booked, 5000L), (mondays[0].State, mondays[0].PriceMinor));
        Assert.Contains(slots, x => x.Day!.Value.DayOfWeek == IsoDayOfWeek.Tuesday && x.State == SlotState.Available);
        Assert.Equal(0, (await WeekPageAsync(_app.CreateBrowserLikeClient(), s, "Europe/Madrid")).SlotCountOn(0));
        Assert.Equal(1, (await AvailabilityPage.OpenAsync(s.Me.Client)).ConflictsSectionItems);
    }

    [Fact]
    public async Task A_new_default_price_reprices_free_slots_but_not_booked_or_held_ones()
    {
        var s = await SpecialistAsync();
        var booked = await _app.ConfirmedBookingAsync(await SlotAtAsync(s.Me.Id, Wednesday, 9));
        var held = await _app.HeldBookingAsync(await SlotAtAsync(s.Me.Id, Wednesday, 10));
        var page = await AvailabilityPage.OpenAsync(s.Me.Client);

        var saved = await page.SaveSettingsAsync(price: "65.00");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await RunBackgroundAsync();

        var wednesday = (await SlotsAsync(s.Me.Id)).Where(x => x.Day == Wednesday).ToList();
        Assert.Equal([(SlotState.Booked, 5000L), (SlotState.Held, 5000L), (SlotState.Available, 6500L), (SlotState.Available, 6500L)],
            wednesday.Select(x => (x.State, x.PriceMinor)));
        Assert.Equal(5000, (await _app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booked.Id))).PriceMinor);
        Assert.Equal(5000, (await _app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == held.Id))).PriceMinor);
        var week = await WeekPageAsync(_app.CreateBrowserLikeClient(), s, "Europe/Madrid");
        Assert.All(week.Document.QuerySelectorAll(".slot-meta"), m => Assert.Contains("€65.00", m.Text()));
    }

    [Fact]
    public async Task A_windows_own_price_reaches_the_week_page_checkout_payment_and_email()
    {
        var s = await SpecialistAsync();
        var page = await AvailabilityPage.OpenAsync(s.Me.Client);
        var added = await page.AddWindowAsync(IsoDayOfWeek.Thursday, "15:00", "17:00", "60", "80");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains("€80.00", (await AvailabilityPage.OpenAsync(s.Me.Client)).WindowsText(IsoDayOfWeek.Thursday));
        await RunBackgroundAsync();

        var thursday = new LocalDate(2026, 11, 12);
        var premium = await SlotAtAsync(s.Me.Id, thursday, 15);
        Assert.Equal((8000L, "EUR"), (premium.PriceMinor, premium.Currency));
        Assert.Equal(5000, (await SlotAtAsync(s.Me.Id, thursday, 9)).PriceMinor);

        var customer = _app.CreateBrowserLikeClient();
        var week = await WeekPageAsync(customer, s, "Europe/Madrid");
        var button = week.Document.QuerySelector($"button[value='{premium.Id}']")!;
        Assert.Contains("€80.00", button.Text());
        var checkout = await week.HoldAsync(premium);
        Assert.Equal("€80.00", checkout.Document.QuerySelector(".price-line .price").Text());
        var card = await checkout.ContinueToTestCardAsync("Ana Cliente", "ana@example.es");
        var paid = await card.PayWithTestCardAsync();
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);

        var booking = await _app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.SlotId == premium.Id));
        var payment = await _app.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == booking.Id));
        Assert.Equal((8000L, 8000L, "EUR"), (booking.PriceMinor, payment.AmountMinor, payment.Currency));
        var receipt = await _app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .SingleAsync(n => n.BookingId == booking.Id && n.Type == NotificationType.PaymentReceived));
        await using var scope = _app.Services.CreateAsyncScope();
        var email = await scope.ServiceProvider.GetRequiredService<EmailComposer>().ComposeAsync(receipt, CancellationToken.None);
        Assert.Contains("€80.00", email.TextBody);
    }

    [Fact]
    public async Task Booking_rules_hide_times_outside_them_and_a_hold_outside_them_gets_the_just_taken_alternatives()
    {
        var s = await SpecialistAsync();
        var page = await AvailabilityPage.OpenAsync(s.Me.Client);
        var customer = _app.CreateBrowserLikeClient();
        var week = await WeekPageAsync(customer, s, "Europe/Madrid", "2026-11-02");
        var tomorrow = await SlotAtAsync(s.Me.Id, new LocalDate(2026, 11, 3), 10);
        Assert.Contains(tomorrow.Id.ToString(), Offered(week));

        // Two days' notice; bookable 10 days ahead; one session a day at most.
        var saved = await page.SaveBookingRulesAsync("48", "10", "1");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        // The rules decide at once, even before the reconcile has run: the hold's write reads them.
        var tooSoon = await week.ChooseAsync(tomorrow);
        Assert.Equal(HttpStatusCode.SeeOther, tooSoon.StatusCode);
        var alternatives = (await OpenTimesPage.OpenAtAsync(customer, tooSoon.Headers.Location!.OriginalString)).NearestSlotIds.Select(Guid.Parse).ToList();
        var slots = (await SlotsAsync(s.Me.Id)).ToDictionary(x => x.Id);
        Assert.NotEmpty(alternatives);
        Assert.All(alternatives, id => Assert.True(slots[id].Start >= _app.Clock.GetCurrentInstant() + Duration.FromHours(48)));

        // Beyond the horizon: Monday 16 Nov is 14 days ahead. Once the reconcile has run, its free slots are gone.
        var farAway = await SlotAtAsync(s.Me.Id, new LocalDate(2026, 11, 16), 9);
        Assert.IsType<Consulting.Web.Bookings.HoldOutcome.Taken>(await HoldAsync(farAway.Id));
        await RunBackgroundAsync();
        Assert.DoesNotContain(await SlotsAsync(s.Me.Id), x => x.Day > new LocalDate(2026, 11, 12));

        // The cap: once Thursday has a session, its other times are neither shown nor holdable.
        var thursday = new LocalDate(2026, 11, 5);
        Assert.IsType<Consulting.Web.Bookings.HoldOutcome.Held>(await HoldAsync((await SlotAtAsync(s.Me.Id, thursday, 9)).Id));
        _app.Clock.Advance(Duration.FromMinutes(1));
        var offered = Offered(await WeekPageAsync(customer, s, "Europe/Madrid", "2026-11-02"));
        var all = await SlotsAsync(s.Me.Id);
        Assert.DoesNotContain(all, x => x.Day == thursday && offered.Contains(x.Id.ToString()));
        Assert.Contains(all, x => x.Day == new LocalDate(2026, 11, 6) && offered.Contains(x.Id.ToString()));
        Assert.DoesNotContain(all, x => x.Day == new LocalDate(2026, 11, 4) && offered.Contains(x.Id.ToString()));
        Assert.IsType<Consulting.Web.Bookings.HoldOutcome.Taken>(await HoldAsync((await SlotAtAsync(s.Me.Id, thursday, 11)).Id));
        Assert.Contains("10 days ahead", (await AvailabilityPage.OpenAsync(s.Me.Client)).ApplyStatus);
    }

    [Fact]
    public async Task Two_customers_holding_different_times_of_one_day_at_once_cannot_pass_a_cap_of_one()
    {
        var s = await SpecialistAsync((sc, now) => sc.SetBookingRules(null, null, 1, now));
        var friday = (await SlotsAsync(s.Me.Id)).Where(x => x.Day == new LocalDate(2026, 11, 13)).ToList();

        var outcomes = await Task.WhenAll(friday.Select(slot => HoldAsync(slot.Id)));

        Assert.Single(outcomes.OfType<Consulting.Web.Bookings.HoldOutcome.Held>());
        Assert.Equal(friday.Count - 1, outcomes.OfType<Consulting.Web.Bookings.HoldOutcome.Taken>().Count());
        Assert.Equal(1, (await SlotsAsync(s.Me.Id)).Count(x => x.Day == new LocalDate(2026, 11, 13) && x.State == SlotState.Held));
    }

    [Fact]
    public async Task A_move_within_a_capped_day_is_allowed_because_the_old_time_is_given_up()
    {
        var s = await SpecialistAsync((sc, now) => sc.SetBookingRules(null, null, 1, now));
        var booking = await _app.ConfirmedBookingAsync(await SlotAtAsync(s.Me.Id, Wednesday, 9));
        var later = await SlotAtAsync(s.Me.Id, Wednesday, 12);

        await using var scope = _app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingChanges>()
            .RescheduleAsync(booking.Id, later.Id, Actor.Customer(null), CancellationToken.None);

        var done = Assert.IsType<Consulting.Web.Bookings.ChangeOutcome.Done>(outcome);
        Assert.Equal(later.Id, done.Booking.SlotId);
        Assert.Equal(SlotState.Available, (await SlotAtAsync(s.Me.Id, Wednesday, 9)).State);
    }

    private async Task<Consulting.Web.Bookings.HoldOutcome> HoldAsync(Guid slotId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>()
            .HoldAsync(slotId, null, "Europe/Madrid", CancellationToken.None);
    }
}

using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Notifications;

/// <summary>24 h and 1 h reminders with a FakeClock: exactly once each, after downtime too, re-armed by a reschedule.</summary>
public sealed class RemindersTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    // Monday 9 Nov 2026 09:00 in New York = 14:00 UTC.
    private static readonly Instant SessionStart = Instant.FromUtc(2026, 11, 9, 14, 0);

    private async Task<Web.Domain.Booking> BookingAtAsync(Instant start)
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        return await _app.ConfirmedBookingAsync(specialist.Slots.First(s => s.Start == start));
    }

    private async Task<int> RunAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Reminders>().RecordDueAsync(CancellationToken.None);
    }

    private Task<List<Notification>> RemindersOfAsync(Guid bookingId) =>
        _app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .Where(n => n.BookingId == bookingId && (n.Type == NotificationType.Reminder24h || n.Type == NotificationType.Reminder1h))
            .ToListAsync());

    [Fact]
    public async Task Each_reminder_is_recorded_once_at_its_boundary_for_customer_and_specialist()
    {
        var booking = await BookingAtAsync(SessionStart);

        _app.Clock.Reset(SessionStart - Duration.FromHours(24) - Duration.FromSeconds(1));
        Assert.Equal(0, await RunAsync());
        _app.Clock.Reset(SessionStart - Duration.FromHours(24));
        Assert.Equal(2, await RunAsync());
        Assert.Equal(0, await RunAsync());

        _app.Clock.Reset(SessionStart - Duration.FromHours(1) - Duration.FromSeconds(1));
        Assert.Equal(0, await RunAsync());
        _app.Clock.Reset(SessionStart - Duration.FromHours(1));
        Assert.Equal(2, await RunAsync());
        Assert.Equal(0, await RunAsync());

        var reminders = await RemindersOfAsync(booking.Id);
        Assert.Equal(2, reminders.Count(r => r.Type == NotificationType.Reminder24h));
        Assert.Equal(2, reminders.Count(r => r.Type == NotificationType.Reminder1h));
        var customer = reminders.Single(r => r.Type == NotificationType.Reminder1h && r.RecipientEmail == "guest@example.com");
        // The customer booked from Tokyo: 09:00 in New York is 23:00 there.
        Assert.Contains("Mon 9 Nov 2026, 23:00 JST (Tokyo)", customer.Message);
        Assert.Contains(customer.Deliveries, d => d.Channel == Channel.Email);
    }

    [Fact]
    public async Task After_downtime_a_missed_reminder_still_goes_once_but_not_after_the_start()
    {
        var booking = await BookingAtAsync(SessionStart);

        // Down from 25 h before until 30 minutes before the start: both reminders are owed.
        _app.Clock.Reset(SessionStart - Duration.FromMinutes(30));
        Assert.Equal(4, await RunAsync());
        Assert.Equal(0, await RunAsync());

        var other = await BookingAtAsync(SessionStart + Duration.FromDays(1));
        _app.Clock.Reset(other.Start + Duration.FromMinutes(1));
        await RunAsync();
        Assert.Empty(await RemindersOfAsync(other.Id));
    }

    [Fact]
    public async Task A_booking_made_inside_the_24_hour_window_gets_only_the_1_hour_reminder()
    {
        _app.Clock.Reset(SessionStart - Duration.FromHours(10));
        var booking = await BookingAtAsync(SessionStart);

        await RunAsync();
        _app.Clock.Reset(SessionStart - Duration.FromMinutes(59));
        await RunAsync();

        Assert.All(await RemindersOfAsync(booking.Id), r => Assert.Equal(NotificationType.Reminder1h, r.Type));
        Assert.Equal(2, (await RemindersOfAsync(booking.Id)).Count);
    }

    [Fact]
    public async Task A_cancelled_booking_gets_no_reminders()
    {
        var booking = await BookingAtAsync(SessionStart);
        await using (var scope = _app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<BookingChanges>().CancelAsync(booking.Id, Actor.Customer(null), null, CancellationToken.None);

        _app.Clock.Reset(SessionStart - Duration.FromMinutes(30));
        Assert.Equal(0, await RunAsync());
        Assert.Empty(await RemindersOfAsync(booking.Id));
    }

    [Fact]
    public async Task A_reschedule_re_arms_the_reminders_for_the_new_time()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync();
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots.First(s => s.Start == SessionStart));
        _app.Clock.Reset(SessionStart - Duration.FromHours(23));
        await RunAsync();
        Assert.Equal(2, (await RemindersOfAsync(booking.Id)).Count);

        // The specialist moves it two days later (a customer can't, inside 24 h).
        var later = specialist.Slots.First(s => s.Start == SessionStart + Duration.FromDays(2));
        var specialistUser = await _app.WithDbAsync(db => db.Specialists.Where(s => s.Id == specialist.Id).Select(s => s.UserId).SingleAsync());
        await using (var scope = _app.Services.CreateAsyncScope())
            Assert.IsType<ChangeOutcome.Done>(await scope.ServiceProvider.GetRequiredService<BookingChanges>()
                .RescheduleAsync(booking.Id, later.Id, Actor.Specialist(specialistUser), CancellationToken.None));

        _app.Clock.Reset(later.Start - Duration.FromHours(24));
        Assert.Equal(2, await RunAsync());
        _app.Clock.Reset(later.Start - Duration.FromHours(1));
        Assert.Equal(2, await RunAsync());
        Assert.Equal(6, (await RemindersOfAsync(booking.Id)).Count);
    }
}

using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Meetings;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace Consulting.Tests.Meetings;

/// <summary>A meeting provider that is down never costs a booking: the work is retried and the specialist told.</summary>
public sealed class MeetingSyncTests
{
    /// <summary>A provider that fails while <see cref="Down"/> is set, and hands out rooms otherwise.</summary>
    private sealed class FlakyProvider : IMeetingProvider
    {
        public bool Down { get; set; } = true;
        public int Calls { get; private set; }
        public string Name => "flaky";

        public Task<MeetingInfo> CreateAsync(MeetingRequest request, CancellationToken ct)
        {
            Calls++;
            return Down ? throw new InvalidOperationException("The meeting service is unavailable.")
                : Task.FromResult(new MeetingInfo("flaky", "42", $"https://meet.example/{request.BookingId:N}", null));
        }

        public Task<MeetingInfo> UpdateAsync(MeetingInfo meeting, MeetingRequest request, CancellationToken ct) => Task.FromResult(meeting);

        public Task DeleteAsync(MeetingInfo meeting, CancellationToken ct) => Task.CompletedTask;

        public Task<string?> HostUrlAsync(MeetingInfo meeting, CancellationToken ct) => Task.FromResult<string?>(null);
    }

    private sealed class FlakyApp(FlakyProvider provider) : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s =>
            {
                s.RemoveAll<IMeetingProvider>();
                s.AddSingleton<IMeetingProvider>(provider);
            });
        }
    }

    [Fact]
    public async Task A_provider_outage_keeps_the_booking_retries_with_back_off_tells_the_specialist_and_recovers()
    {
        var provider = new FlakyProvider();
        using var app = new FlakyApp(provider);
        var specialist = await app.CreateSpecialistWithSlotsAsync();

        // Paying runs the first attempt right away; it fails, and the booking stands.
        var booking = await app.ConfirmedBookingAsync(specialist.Slots[2]);
        Assert.Equal((BookingStatus.Confirmed, MeetingSync.Create, 1), (booking.Status, booking.MeetingSync, booking.MeetingSyncAttempts));
        Assert.Null(booking.Meeting);

        async Task RunAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MeetingSyncService>().RunDueAsync(CancellationToken.None);
        }
        Task<Booking> ReloadAsync() => app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking.Id));

        // Not due again before its back-off; due after it.
        await RunAsync();
        Assert.Equal(1, provider.Calls);
        for (var attempt = 2; attempt <= MeetingSyncService.TellSpecialistAfterAttempts; attempt++)
        {
            app.Clock.Advance(Duration.FromHours(1));
            await RunAsync();
        }
        Assert.Equal(MeetingSyncService.TellSpecialistAfterAttempts, provider.Calls);
        var problems = await app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .Where(n => n.BookingId == booking.Id && n.Type == NotificationType.MeetingProblem).ToListAsync());
        var problem = Assert.Single(problems);
        Assert.Contains("The booking is safe", problem.Message);
        Assert.Contains("unavailable", problem.Message);

        provider.Down = false;
        app.Clock.Advance(Duration.FromHours(1));
        await RunAsync();

        var recovered = await ReloadAsync();
        Assert.Equal((BookingStatus.Confirmed, MeetingSync.None, $"https://meet.example/{booking.Id:N}"),
            (recovered.Status, recovered.MeetingSync, recovered.Meeting?.JoinUrl));
    }
}

using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Support;

/// <param name="Client">Signed in as this specialist.</param>
public sealed record BookableSpecialist(Guid Id, string Slug, string Email, IReadOnlyList<Slot> Slots, HttpClient Client);

/// <summary>Specialists with generated slots, the way the app makes them.</summary>
public static class BookingScenario
{
    /// <summary>Weekdays 09:00–12:00 (hourly by default) in <paramref name="zone"/>, slots generated for 3–13 November 2026.</summary>
    public static async Task<BookableSpecialist> CreateSpecialistWithSlotsAsync(this AppFactory app, string zone = "America/New_York",
        int slotMinutes = 60)
    {
        var me = await app.CreateSignedInAsync(zone, (s, now) =>
        {
            foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
                s.AddWindow(day, new TimeWindow(new LocalTime(9, 0), new LocalTime(12, 0), slotMinutes), now);
        });
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SlotGenerator>()
            .GenerateAsync(me.Id, new LocalDate(2026, 11, 3), new LocalDate(2026, 11, 13), overwrite: false, CancellationToken.None);
        return await app.WithDbAsync(async db =>
        {
            var slug = (await db.Specialists.SingleAsync(p => p.Id == me.Id)).Slug;
            var slots = await db.Slots.AsNoTracking().Where(s => s.SpecialistId == me.Id).OrderBy(s => s.Start).ToListAsync();
            return new BookableSpecialist(me.Id, slug, me.Email, slots, me.Client);
        });
    }

    /// <summary>Runs the demo data's queued generation now, instead of waiting for the background runner.</summary>
    public static async Task RunDueGenerationAsync(this AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<GenerationJobs>().RunDueAsync(CancellationToken.None);
    }
}

/// <summary>Bookings in a given state, made through the app's own services.</summary>
public static class Bookings
{
    /// <summary>Holds <paramref name="slot"/> for a guest, or for the customer account <paramref name="customerUserId"/>: a pending booking.</summary>
    public static async Task<Booking> HeldBookingAsync(this AppFactory app, Slot slot, string zone = "Asia/Tokyo", string? customerUserId = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var held = await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>()
            .HoldAsync(slot.Id, customerUserId, zone, CancellationToken.None);
        return Assert.IsType<Consulting.Web.Bookings.HoldOutcome.Held>(held).Booking;
    }

    /// <summary>A held booking whose customer gave their details and went on to pay: waiting for the card.</summary>
    public static async Task<Booking> AwaitingPaymentAsync(this AppFactory app, Slot slot, string zone = "Asia/Tokyo",
        string email = "guest@example.com", string? customerUserId = null)
    {
        var booking = await app.HeldBookingAsync(slot, zone, customerUserId);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.IsType<Consulting.Web.Bookings.PaymentStartOutcome.Redirect>(await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>()
            .StartPaymentAsync(booking.Id, new CustomerDetails("Guest Customer", email, null, zone, null), new Uri("http://localhost"), CancellationToken.None));
        return booking;
    }

    /// <summary>Holds <paramref name="slot"/>, gives details, pays with the test card: a confirmed booking.</summary>
    public static async Task<Booking> ConfirmedBookingAsync(this AppFactory app, Slot slot, string zone = "Asia/Tokyo",
        string email = "guest@example.com", string? customerUserId = null)
    {
        var booking = await app.AwaitingPaymentAsync(slot, zone, email, customerUserId);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.IsType<Consulting.Web.Bookings.TestCardOutcome.Paid>(await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>()
            .PayWithTestCardAsync(booking.Id, "4242424242424242", CancellationToken.None));
        return await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking.Id));
    }

    public static async Task<string> ManageTokenAsync(this AppFactory app, Booking booking)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>().ManageToken(booking);
    }
}

using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Support;

/// <param name="Client">Signed in as this specialist.</param>
/// <param name="Email">Signs in with <see cref="SpecialistAccounts.Password"/>.</param>
public sealed record BookableSpecialist(Guid Id, string Slug, IReadOnlyList<Slot> Slots, HttpClient Client, string Email);

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
            return new BookableSpecialist(me.Id, slug, slots, me.Client, me.Email);
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
    /// <summary>
    /// Holds <paramref name="slot"/> for a guest (or <paramref name="customer"/>), gives details, pays with
    /// the test card: a confirmed booking.
    /// </summary>
    public static async Task<Booking> ConfirmedBookingAsync(this AppFactory app, Slot slot, string zone = "Asia/Tokyo",
        string email = "guest@example.com", TestCustomer? customer = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>();
        var held = await service.HoldAsync(slot.Id, customer?.UserId, zone, CancellationToken.None);
        var booking = Assert.IsType<Consulting.Web.Bookings.HoldOutcome.Held>(held).Booking;
        Assert.IsType<Consulting.Web.Bookings.PaymentStartOutcome.Redirect>(await service.StartPaymentAsync(booking.Id,
            new CustomerDetails(customer?.Name ?? "Guest Customer", customer?.Email ?? email, null, zone, null),
            new Uri("http://localhost"), CancellationToken.None));
        Assert.IsType<Consulting.Web.Bookings.TestCardOutcome.Paid>(await service.PayWithTestCardAsync(booking.Id, "4242424242424242", CancellationToken.None));
        return await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking.Id));
    }

    /// <summary>
    /// The specialist marks a confirmed booking completed, the clock first moving past its end if needed
    /// (so confirm every booking a test needs before completing any).
    /// </summary>
    public static async Task<Booking> CompleteAsync(this AppFactory app, BookableSpecialist specialist, Booking booking)
    {
        if (app.Clock.GetCurrentInstant() < booking.End) app.Clock.Reset(booking.End + Duration.FromMinutes(5));
        var userId = await app.WithDbAsync(db => db.Specialists.Where(s => s.Id == specialist.Id).Select(s => s.UserId).SingleAsync());
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.SpecialistBookings>()
            .MarkCompletedAsync(specialist.Id, userId, booking.Id, CancellationToken.None));
        return await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking.Id));
    }

    public static async Task<string> ViewTokenAsync(this AppFactory app, Booking booking)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>().ViewToken(booking);
    }

    public static async Task<string> ManageTokenAsync(this AppFactory app, Booking booking)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>().ManageToken(booking);
    }
}

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

    /// <summary>
    /// Applies a schedule edited straight in the database the way a save on the availability page
    /// does: queues the specialist's reconcile, then runs it as the background runner would.
    /// </summary>
    public static async Task ApplyScheduleAsync(this AppFactory app, Guid specialistId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var jobs = scope.ServiceProvider.GetRequiredService<GenerationJobs>();
        await jobs.QueueReconcileAsync(specialistId, "change", CancellationToken.None);
        await jobs.RunDueAsync(CancellationToken.None);
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
    /// <summary>Holds <paramref name="slot"/> for a guest, or for <paramref name="customer"/>'s account: a pending booking.</summary>
    public static async Task<Booking> HeldBookingAsync(this AppFactory app, Slot slot, string zone = "Asia/Tokyo", TestCustomer? customer = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var held = await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>()
            .HoldAsync(slot.Id, customer?.UserId, zone, CancellationToken.None);
        return Assert.IsType<Consulting.Web.Bookings.HoldOutcome.Held>(held).Booking;
    }

    /// <summary>A held booking whose customer gave their details and went on to pay: waiting for the card.</summary>
    public static async Task<Booking> AwaitingPaymentAsync(this AppFactory app, Slot slot, string zone = "Asia/Tokyo",
        string email = "guest@example.com", TestCustomer? customer = null)
    {
        var booking = await app.HeldBookingAsync(slot, zone, customer);
        await using var scope = app.Services.CreateAsyncScope();
        var details = new CustomerDetails(customer?.Name ?? "Guest Customer", customer?.Email ?? email, null, zone, null);
        Assert.IsType<Consulting.Web.Bookings.PaymentStartOutcome.Redirect>(await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>()
            .StartPaymentAsync(booking.Id, details, CancellationToken.None));
        return booking;
    }

    /// <summary>Holds <paramref name="slot"/>, gives details, pays with the test card: a confirmed booking.</summary>
    public static async Task<Booking> ConfirmedBookingAsync(this AppFactory app, Slot slot, string zone = "Asia/Tokyo",
        string email = "guest@example.com", TestCustomer? customer = null)
    {
        var booking = await app.AwaitingPaymentAsync(slot, zone, email, customer);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.IsType<Consulting.Web.Bookings.TestCardOutcome.Paid>(await scope.ServiceProvider.GetRequiredService<Consulting.Web.Bookings.BookingService>()
            .PayWithTestCardAsync(booking.Id, "4242424242424242", CancellationToken.None));
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

using Consulting.Web.Data;
using Consulting.Web.Accounts;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Hosting;

/// <summary>Roles for every database, and demo people for an empty one (README lists the sign-ins).</summary>
public sealed class DemoData(
    AppDbContext db,
    Registration registration,
    RoleManager<IdentityRole> roles,
    IClock clock,
    ILogger<DemoData> log)
{
    public const string Password = "demo-password-2026";

    public sealed record DemoSpecialist(string Email, string Name, string Headline, string Bio, string Zone,
        string Currency, long PriceMinor, int BufferMinutes, IsoDayOfWeek[] Days, TimeWindow[] Windows);

    private static readonly LocalTime T9 = new(9, 0), T10 = new(10, 0), T12 = new(12, 0), T13 = new(13, 0),
        T14 = new(14, 0), T16 = new(16, 0), T17 = new(17, 0), T19 = new(19, 0);

    private static readonly IsoDayOfWeek[] MonFri =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    public static readonly DemoSpecialist[] Specialists =
    [
        new("maya@consulting.test", "Maya Thompson", "Startup finance & fundraising",
            "Former VC associate. I help founders shape their first raise, their model and their board deck.",
            "America/New_York", "USD", 120_00, 15, MonFri, [new(T9, T12, 60), new(T13, T17, 45)]),
        new("jonas@consulting.test", "Jonas Becker", "Kubernetes & platform engineering",
            "Platform lead for a decade. Bring your cluster, CI or on-call pain and we'll untangle it.",
            "Europe/Berlin", "EUR", 95_00, 0, MonFri[..4], [new(T10, T16, 60)]),
        new("priya@consulting.test", "Priya Raman", "Product design reviews",
            "Design director. Fast, candid reviews of flows, prototypes and design systems.",
            "Asia/Kolkata", "INR", 2500_00, 10, [.. MonFri, IsoDayOfWeek.Saturday], [new(T14, T19, 30)]),
        new("kenji@consulting.test", "Kenji Sato", "Japan market entry",
            "Twenty years helping foreign companies launch in Japan: partners, pricing, localisation.",
            "Asia/Tokyo", "JPY", 12000, 15, MonFri, [new(T9, T12, 60)]),
    ];

    /// <summary>Past sessions, all completed: (specialist email, customer, days ago, stars, review or null for none yet).</summary>
    private static readonly (string Specialist, string Customer, int DaysAgo, int Stars, string? Review)[] History =
    [
        ("maya@consulting.test", "Tomás Rivera", 21, 5, "Maya rebuilt our seed deck's story in an hour. We closed the round six weeks later."),
        ("maya@consulting.test", "Grace Liu", 12, 5, "Sharp questions about our model that our board hadn't asked yet. Worth it."),
        ("maya@consulting.test", "Owen Price", 5, 4, "Very practical on SAFEs versus priced rounds; I'd have liked a written summary."),
        ("maya@consulting.test", CustomerName, 2, 0, null),
        ("jonas@consulting.test", "Sofia Marino", 15, 5, "We found the cause of our flaky deploys in the first twenty minutes."),
        ("jonas@consulting.test", "Lukas Weber", 6, 4, "Clear advice on cluster sizing and on-call rotations. Good follow-up links."),
        ("priya@consulting.test", "Daniel Okoro", 9, 5, "Candid and kind. Our onboarding flow is half as long now."),
        ("priya@consulting.test", "Mei Tanaka", 4, 5, "The design-system review paid for itself the same week."),
    ];

    public const string AdminEmail = "admin@consulting.test";
    public const string CustomerEmail = "customer@consulting.test";
    private const string CustomerName = "Carla Customer";

    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }

    /// <summary>Returns whether it seeded (false when the database already had users).</summary>
    public async Task<bool> SeedIfEmptyAsync()
    {
        if (await db.Users.AnyAsync()) return false;
        var now = clock.GetCurrentInstant();

        await CreateUserAsync(AdminEmail, "Ada Admin", "Europe/London", Roles.Admin);
        var customer = await CreateUserAsync(CustomerEmail, CustomerName, "Europe/Madrid", Roles.Customer);

        foreach (var s in Specialists)
        {
            var result = await registration.RegisterSpecialistAsync(new NewSpecialist(
                new NewAccount(s.Email, s.Name, Password, s.Zone, EmailConfirmed: true), s.Headline, s.Zone, s.Currency, s.PriceMinor));
            var user = result.User ?? throw new InvalidOperationException("Demo specialist not created: " + result.Errors[0].Message);
            var profile = await db.Specialists.SingleAsync(p => p.UserId == user.Id);
            profile.UpdateProfile(s.Name, s.Headline, s.Bio, null, s.Zone, s.Currency);
            var schedule = await db.Schedules.SingleAsync(x => x.SpecialistId == profile.Id);
            schedule.UpdateSettings(s.Zone, schedule.ActiveFrom, s.BufferMinutes, schedule.DefaultPrice, now);
            foreach (var day in s.Days)
            foreach (var window in s.Windows)
                schedule.AddWindow(day, window, now);
        }
        await db.SaveChangesAsync();
        await AddHistoryAsync(customer, now);
        log.LogInformation("Seeded demo data: {Count} specialists, an admin and a customer", Specialists.Length);
        return true;
    }

    /// <summary>
    /// Completed past sessions (paid with the test provider) and their reviews, made with the domain's
    /// own methods at the times they would have happened, so profiles and dashboards aren't empty.
    /// </summary>
    private async Task AddHistoryAsync(AppUser customer, Instant now)
    {
        foreach (var (email, name, daysAgo, stars, text) in History)
        {
            var demo = Specialists.Single(s => s.Email == email);
            var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var profile = await db.Specialists.SingleAsync(p => p.UserId == userId);
            var zone = TimeZones.Get(demo.Zone);
            var day = now.InZone(zone).Date.PlusDays(-daysAgo);
            // Demo windows start mid-morning, never in a DST gap.
            var start = TimeZones.ResolveOrSkip(day.At(demo.Windows[0].Start), zone)!.Value;
            var bookedAt = start - Duration.FromDays(7);
            var slot = Slot.Create(profile.Id, start, start + Duration.FromMinutes(demo.Windows[0].SlotMinutes), demo.Zone,
                new Money(demo.PriceMinor, demo.Currency), bookedAt);
            var isCarla = name == CustomerName;
            var details = new CustomerDetails(name, isCarla ? CustomerEmail : $"{name.Split(' ')[0].ToLowerInvariant()}@example.com",
                null, isCarla ? "Europe/Madrid" : demo.Zone, null);
            var booking = Booking.Place(Guid.NewGuid(), slot, details, isCarla ? customer.Id : null, bookedAt + Duration.FromMinutes(15), bookedAt);
            var payment = Payment.Start(booking.Id, booking.Price, "test", bookedAt);
            payment.MarkSucceeded(null, bookedAt + Duration.FromMinutes(2));
            booking.Confirm(payment, bookedAt + Duration.FromMinutes(2));
            booking.MarkCompleted(Actor.Specialist(profile.UserId), booking.End + Duration.FromMinutes(10));
            // Made-up history: nobody is told about it.
            booking.TakeEvents();
            db.AddRange(booking, payment);
            if (text is not null)
            {
                var review = Review.Write(booking, profile.UserId, null, stars, text, booking.End + Duration.FromHours(20));
                review.TakeEvents();
                db.Reviews.Add(review);
            }
        }
        await db.SaveChangesAsync();
    }

    private async Task<AppUser> CreateUserAsync(string email, string name, string zone, string role)
    {
        var result = await registration.RegisterAsync(new NewAccount(email, name, Password, zone, EmailConfirmed: true), role);
        return result.User ?? throw new InvalidOperationException("Demo user not created: " + result.Errors[0].Message);
    }
}

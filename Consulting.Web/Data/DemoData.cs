using Consulting.Web.Accounts;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Data;

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

    public const string AdminEmail = "admin@consulting.test";
    public const string CustomerEmail = "customer@consulting.test";

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
        await CreateUserAsync(CustomerEmail, "Carla Customer", "Europe/Madrid", Roles.Customer);

        foreach (var s in Specialists)
        {
            var result = await registration.RegisterSpecialistAsync(new NewSpecialist(
                new NewAccount(s.Email, s.Name, Password, s.Zone), s.Headline, s.Zone, s.Currency, s.PriceMinor));
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
        log.LogInformation("Seeded demo data: {Count} specialists, an admin and a customer", Specialists.Length);
        return true;
    }

    private async Task CreateUserAsync(string email, string name, string zone, string role)
    {
        var result = await registration.RegisterAsync(new NewAccount(email, name, Password, zone), role);
        if (!result.Succeeded)
            throw new InvalidOperationException("Demo user not created: " + result.Errors[0].Message);
    }
}

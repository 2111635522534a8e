using System.Security.Cryptography;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Accounts;

public sealed record NewAccount(string Email, string DisplayName, string Password, string? TimeZoneId);

public sealed record NewSpecialist(NewAccount Account, string Headline, string TimeZoneId, string Currency, long DefaultPriceMinor);

/// <summary>Errors keyed by form field ("" for the form as a whole); empty when it worked.</summary>
public sealed record RegistrationResult(AppUser? User, IReadOnlyList<(string Field, string Message)> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>The one way accounts are created: sign-up pages and demo data both come here.</summary>
public sealed class Registration(AppDbContext db, UserManager<AppUser> users, IClock clock)
{
    public Task<RegistrationResult> RegisterCustomerAsync(NewAccount account) => RegisterAsync(account, Roles.Customer);

    /// <summary>A plain account in one role (customers; the admin of the demo data).</summary>
    public Task<RegistrationResult> RegisterAsync(NewAccount account, string role) =>
        InTransactionAsync(account, role, _ => Task.CompletedTask);

    /// <summary>A specialist account, its public profile and an empty schedule in the chosen zone and price.</summary>
    public async Task<RegistrationResult> RegisterSpecialistAsync(NewSpecialist s)
    {
        var now = clock.GetCurrentInstant();
        try
        {
            // Validate the profile before any account exists, so a bad field saves nothing.
            var price = new Money(s.DefaultPriceMinor, s.Currency);
            TimeZones.Require(s.TimeZoneId);
            _ = SpecialistProfile.NormalizeSlug(s.Account.DisplayName);
            return await InTransactionAsync(s.Account with { TimeZoneId = s.TimeZoneId }, Roles.Specialist, async user =>
            {
                var profile = SpecialistProfile.Create(user.Id, await UniqueSlugAsync(s.Account.DisplayName),
                    s.Account.DisplayName, s.Headline, s.TimeZoneId, s.Currency, NewFeedSecret(), now);
                db.Specialists.Add(profile);
                var today = now.InZone(TimeZones.Get(s.TimeZoneId)).Date;
                db.Schedules.Add(AvailabilitySchedule.Create(profile.Id, s.TimeZoneId, today, 0, price, now));
                await db.SaveChangesAsync();
            });
        }
        catch (DomainException e)
        {
            return new RegistrationResult(null, [(e.Field ?? "", e.Message)]);
        }
    }

    /// <summary>160 random bits, hex: the secret part of a specialist's iCal feed URL.</summary>
    public static string NewFeedSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private async Task<RegistrationResult> InTransactionAsync(NewAccount account, string role, Func<AppUser, Task> then)
    {
        if (account.TimeZoneId is { } zone && !TimeZones.IsKnown(zone))
            return new RegistrationResult(null, [("TimeZoneId", $"'{zone}' is not a known time zone.")]);
        var name = (account.DisplayName ?? "").Trim();
        if (name.Length is < 2 or > 80)
            return new RegistrationResult(null, [("DisplayName", "Enter your name (2–80 characters).")]);

        await using var tx = await db.Database.BeginTransactionAsync();
        var email = (account.Email ?? "").Trim();
        var user = new AppUser { UserName = email, Email = email, DisplayName = name, TimeZoneId = account.TimeZoneId };
        var created = await users.CreateAsync(user, account.Password ?? "");
        if (!created.Succeeded) return new RegistrationResult(null, created.Errors.Select(MapError).ToList());
        var inRole = await users.AddToRoleAsync(user, role);
        if (!inRole.Succeeded) return new RegistrationResult(null, inRole.Errors.Select(MapError).ToList());
        await then(user);
        await tx.CommitAsync();
        return new RegistrationResult(user, []);
    }

    private async Task<string> UniqueSlugAsync(string displayName)
    {
        var slug = SpecialistProfile.NormalizeSlug(displayName);
        var candidate = slug;
        for (var n = 2; await db.Specialists.AnyAsync(p => p.Slug == candidate); n++) candidate = $"{slug}-{n}";
        return candidate;
    }

    private static (string, string) MapError(IdentityError e) => e.Code switch
    {
        var c when c.StartsWith("Password", StringComparison.Ordinal) => ("Password", e.Description),
        "DuplicateUserName" or "DuplicateEmail" => ("Email", "An account with this email already exists. Sign in instead."),
        "InvalidEmail" or "InvalidUserName" => ("Email", "Enter a valid email address."),
        _ => ("", e.Description),
    };
}

using Consulting.Web.Calendar;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Accounts;

/// <param name="EmailConfirmed">True only for accounts whose address is known good (the demo data); sign-ups confirm by email.</param>
public sealed record NewAccount(string Email, string DisplayName, string Password, string? TimeZoneId, bool EmailConfirmed = false);

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
            TimeZones.Require(s.TimeZoneId, "TimeZoneId");
            _ = SpecialistProfile.NormalizeSlug(s.Account.DisplayName);
            return await InTransactionAsync(s.Account with { TimeZoneId = s.TimeZoneId }, Roles.Specialist, async user =>
            {
                var profile = SpecialistProfile.Create(user.Id, await UniqueSlugAsync(s.Account.DisplayName),
                    s.Account.DisplayName, s.Headline, s.TimeZoneId, s.Currency, SpecialistFeed.NewSecret(), now);
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

    /// <summary>
    /// What signing up with these details would refuse, apart from the address being taken (password
    /// rules, name, zone, the specialist's price and zone): checked the same way for a taken address,
    /// so the sign-up page can't tell anyone whether it is registered.
    /// </summary>
    public async Task<IReadOnlyList<(string Field, string Message)>> CheckAsync(NewAccount account, NewSpecialist? specialist = null)
    {
        // Every field's problem at once, so the form can say them all in one go.
        var errors = new List<(string, string)>();
        if (ZoneError(account) is { } zoneError) errors.Add(zoneError);
        if (NameError(account) is { } nameError) errors.Add(nameError);
        if (specialist is not null)
        {
            void Check(Action rule)
            {
                try { rule(); }
                catch (DomainException e) { errors.Add((e.Field ?? "", e.Message)); }
            }
            Check(() => _ = new Money(specialist.DefaultPriceMinor, specialist.Currency));
            if (account.TimeZoneId != specialist.TimeZoneId) Check(() => TimeZones.Require(specialist.TimeZoneId, "TimeZoneId"));
            if (NameError(account) is null) Check(() => _ = SpecialistProfile.NormalizeSlug(account.DisplayName));
        }
        errors.AddRange((await PasswordRules.ProblemsAsync(users, new AppUser(), account.Password)).Select(m => ("Password", m)));
        return errors;
    }

    /// <summary>Whether Identity refused the account because its address is taken (the sign-up then answers as for any other).</summary>
    public static bool IsTakenAddress(RegistrationResult result) =>
        result.Errors.Any(e => e.Field == "Email" && e.Message == TakenMessage);

    private const string TakenMessage = "An account with this email already exists. Sign in instead.";

    private static (string, string)? NameOrZoneError(NewAccount account) => ZoneError(account) ?? NameError(account);

    private static (string, string)? ZoneError(NewAccount account) =>
        account.TimeZoneId is { } zone && !TimeZones.IsKnown(zone) ? ("TimeZoneId", TimeZones.UnknownMessage(zone)) : null;

    private static (string, string)? NameError(NewAccount account) =>
        (account.DisplayName ?? "").Trim().Length is < 2 or > 80 ? ("DisplayName", "Enter your name (2–80 characters).") : null;

    private async Task<RegistrationResult> InTransactionAsync(NewAccount account, string role, Func<AppUser, Task> then)
    {
        if (NameOrZoneError(account) is { } error) return new RegistrationResult(null, [error]);
        var name = account.DisplayName.Trim();

        var email = (account.Email ?? "").Trim();
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            var user = new AppUser
            {
                UserName = email, Email = email, EmailConfirmed = account.EmailConfirmed, DisplayName = name, TimeZoneId = account.TimeZoneId,
            };
            var created = await users.CreateAsync(user, account.Password ?? "");
            if (!created.Succeeded) return new RegistrationResult(null, created.Errors.Select(MapError).ToList());
            var inRole = await users.AddToRoleAsync(user, role);
            if (!inRole.Succeeded) return new RegistrationResult(null, inRole.Errors.Select(MapError).ToList());
            await then(user);
            await tx.CommitAsync();
            return new RegistrationResult(user, []);
        }
        catch (DbUpdateException)
        {
            // Two sign-ups with one address at once (PostgreSQL lets both past Identity's check; the
            // unique index stops the second): the second is told the address is taken, as it would be a moment later.
            if (await AddressTakenAsync(email)) return new RegistrationResult(null, [("Email", TakenMessage)]);
            throw;
        }
    }

    private async Task<bool> AddressTakenAsync(string email)
    {
        db.ChangeTracker.Clear();
        return await users.FindByNameAsync(email) is not null;
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
        "DuplicateUserName" or "DuplicateEmail" => ("Email", TakenMessage),
        "InvalidEmail" or "InvalidUserName" => ("Email", "Enter a valid email address."),
        _ => ("", e.Description),
    };
}

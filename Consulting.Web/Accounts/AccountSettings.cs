using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Accounts;

/// <summary>A person's own details: name, phone for SMS, time zone; and carrying them to their upcoming bookings.</summary>
public sealed class AccountSettings(AppDbContext db, UserManager<AppUser> users, IClock clock)
{
    /// <returns>Errors keyed by field; empty when saved.</returns>
    public async Task<IReadOnlyList<(string Field, string Message)>> UpdateProfileAsync(AppUser user, string? name, string? phone,
        string? zone, CancellationToken ct)
    {
        var errors = new List<(string, string)>();
        var cleanName = (name ?? "").Trim();
        if (cleanName.Length is < 2 or > 80) errors.Add(("DisplayName", "Enter your name (2–80 characters)."));
        if (!PhoneNumbers.TryNormalize(phone, out var cleanPhone)) errors.Add(("Phone", PhoneNumbers.Invalid));
        var cleanZone = string.IsNullOrWhiteSpace(zone) ? null : zone.Trim();
        if (cleanZone is not null && !TimeZones.IsKnown(cleanZone))
            errors.Add(("TimeZoneId", cleanZone.Length > 64 ? "Pick a time zone from the list, e.g. Europe/Berlin."
                : $"{TimeZones.UnknownMessage(cleanZone)} Pick one from the list, e.g. Europe/Berlin."));
        if (errors.Count > 0) return errors;

        // Set directly rather than with SetPhoneNumberAsync, which would renew the security stamp and
        // sign the person out of their other devices for a phone number.
        (user.DisplayName, user.PhoneNumber, user.TimeZoneId) = (cleanName, cleanPhone, cleanZone);
        var saved = await users.UpdateAsync(user);
        if (!saved.Succeeded) return saved.Errors.Select(e => ("", e.Description)).ToList();
        await ApplyToUpcomingBookingsAsync(user, ct);
        return [];
    }

    /// <summary>
    /// A booking carries its customer's details from checkout; the ones still to come take the
    /// account's current name, email, phone and zone, so their reminders, SMS and invites follow the change.
    /// </summary>
    public async Task ApplyToUpcomingBookingsAsync(AppUser user, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var upcoming = await db.Bookings
            .Where(b => b.CustomerUserId == user.Id
                && (b.Status == BookingStatus.Pending || (b.Status == BookingStatus.Confirmed && b.End > now)))
            .ToListAsync(ct);
        foreach (var booking in upcoming)
            booking.UpdateCustomerContact(user.DisplayName, user.Email!, user.PhoneNumber, user.TimeZoneId ?? booking.CustomerTimeZoneId, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A booking changed status meanwhile (paid, expired, cancelled); the account is saved and the
            // booking keeps the details it had.
            db.ChangeTracker.Clear();
        }
    }
}

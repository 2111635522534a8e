using System.Security.Cryptography;
using System.Text;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Calendar;

/// <summary>
/// The specialists' calendar addresses at rest: encrypted with the app's data-protection key ring
/// (kept in the database's DataProtectionKeys table, so every instance reads what another wrote), under
/// a purpose of their own. The fingerprint, an SHA-256 of the address, tells two rows of one address
/// apart from two addresses without decrypting any; the secret part of a calendar address is long and
/// random, so the hash doesn't lead back to it.
/// </summary>
public sealed class CalendarAddresses(IDataProtectionProvider protection)
{
    public const string Purpose = "Consulting.ExternalCalendars.Address.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public string Protect(string address) => _protector.Protect(address);

    public static string Fingerprint(string address) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)));

    /// <summary>The address, or null when it can't be decrypted any more (the key ring was lost or replaced).</summary>
    public string? Reveal(ExternalCalendar calendar)
    {
        if (calendar.AddressIsPlain) return calendar.ProtectedAddress;
        try
        {
            return _protector.Unprotect(calendar.ProtectedAddress);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The page's masked form; the address itself never reaches the page.</summary>
    public string Masked(ExternalCalendar calendar) => Reveal(calendar) is { } address ? ExternalCalendar.Mask(address) : "••••••";

    /// <summary>Encrypts a row that still holds its address plain (tracked; saved with the caller's changes).</summary>
    public void ProtectIfPlain(ExternalCalendar calendar)
    {
        if (calendar.AddressIsPlain) calendar.AddressProtected(Protect(calendar.ProtectedAddress), Fingerprint(calendar.ProtectedAddress));
    }

    /// <summary>
    /// Encrypts every address stored before addresses were encrypted (start-up, after the migration
    /// that added the fingerprint). Each row is one conditional update, so instances doing this at once
    /// encrypt each row once; run again, it finds nothing to do. Returns how many rows it encrypted.
    /// </summary>
    public async Task<int> ProtectPlainAsync(AppDbContext db, CancellationToken ct)
    {
        var plain = await db.ExternalCalendars.AsNoTracking().Where(c => c.AddressFingerprint == null)
            .Select(c => new { c.Id, Address = c.ProtectedAddress }).ToListAsync(ct);
        var protectedCount = 0;
        foreach (var row in plain)
        {
            var cipher = Protect(row.Address);
            var fingerprint = Fingerprint(row.Address);
            protectedCount += await db.ExternalCalendars.Where(c => c.Id == row.Id && c.AddressFingerprint == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ProtectedAddress, cipher).SetProperty(c => c.AddressFingerprint, fingerprint), ct);
        }
        return protectedCount;
    }
}

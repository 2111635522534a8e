using System.Security.Cryptography;
using System.Text;
using Consulting.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Consulting.Web.Accounts;

/// <summary>Lifetime of the confirmation links (new account, new email address).</summary>
public sealed class ConfirmationTokenOptions : DataProtectionTokenProviderOptions
{
    public const string ProviderName = "Confirmation";

    public ConfirmationTokenOptions()
    {
        Name = ProviderName;
        TokenLifespan = TimeSpan.FromDays(3);
    }
}

/// <summary>
/// The tokens in emailed account links (password reset, email confirmation): the user's id, the
/// purpose and the security stamp, timed and sealed with data protection, like Identity's
/// DataProtectorTokenProvider. That one reads DateTimeOffset.UtcNow in .NET 10 (TimeProvider support
/// comes in .NET 11), so this one reads the app's <see cref="TimeProvider"/>, which is its IClock:
/// a link's expiry is tested by moving the FakeClock. The stamp makes a reset link single-use: a
/// reset changes it, and every earlier link stops working.
/// </summary>
public sealed class LinkTokenProvider<TOptions>(IDataProtectionProvider protection, IOptions<TOptions> options, TimeProvider time)
    : IUserTwoFactorTokenProvider<AppUser> where TOptions : DataProtectionTokenProviderOptions
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IDataProtector _protector = protection.CreateProtector("Consulting.AccountLinks." + options.Value.Name);
    private readonly TimeSpan _lifespan = options.Value.TokenLifespan;

    public async Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Utf8, leaveOpen: true))
        {
            writer.Write(time.GetUtcNow().UtcTicks);
            writer.Write(await manager.GetUserIdAsync(user));
            writer.Write(purpose ?? "");
            writer.Write(await manager.GetSecurityStampAsync(user) ?? "");
        }
        return Convert.ToBase64String(_protector.Protect(payload.ToArray()));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(_protector.Unprotect(Convert.FromBase64String(token))), Utf8);
            var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var userId = reader.ReadString();
            var madeFor = reader.ReadString();
            var stamp = reader.ReadString();
            return reader.PeekChar() == -1
                && time.GetUtcNow() < created + _lifespan
                && userId == await manager.GetUserIdAsync(user)
                && madeFor == purpose
                && stamp == (await manager.GetSecurityStampAsync(user) ?? "");
        }
        // Altered, truncated or sealed with another key: not a token of ours.
        catch (Exception e) when (e is FormatException or CryptographicException or IOException or ArgumentException)
        {
            return false;
        }
    }

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user) => Task.FromResult(false);
}

using Consulting.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using NodaTime;

namespace Consulting.Web.Accounts;

/// <summary>
/// Guessing protection for sign-in, in layers, so that a stranger can't lock a real user out:
/// <list type="number">
/// <item>the sign-in rate limit per client address (<c>RateLimits:SignInPerMinute</c>, any account);</item>
/// <item>here: <see cref="FailuresPerClient"/> wrong passwords for one account from one client
///   address within <see cref="Window"/> refuse that address for that account, and only it (the
///   real user, elsewhere, signs in as usual);</item>
/// <item>Identity's lockout of the account itself, set far higher (<see cref="AccountLockoutFailures"/>):
///   reached only by guesses from many addresses, a distributed attack.</item>
/// </list>
/// An unknown email costs the same password hashing as a wrong password, so the answer's timing
/// doesn't tell which emails have accounts (see bench/sign-in-timing.sh), and it "locks" after as many
/// failures as a real account would, so neither does the lockout message. The counts live in this
/// instance's memory: behind a load balancer each instance counts on its own (documented in the README).
/// </summary>
public sealed class SignInThrottle(IMemoryCache cache, IClock clock, IPasswordHasher<AppUser> hasher)
{
    public const int FailuresPerClient = 5;
    public const int AccountLockoutFailures = 50;
    public static readonly Duration Window = Duration.FromMinutes(15);
    public static readonly Duration AccountLockout = Duration.FromMinutes(5);

    /// <summary>Made once per process (this service is scoped, like Identity's hasher it uses).</summary>
    private static string? _unknownUserHash;

    private sealed record Failures(int Count, Instant Since);

    private sealed record UnknownAccount(int Failures, Instant LockedUntil);

    public bool IsRefused(string email, string client) =>
        cache.TryGetValue(Key(email, client), out Failures? failures) && failures!.Count >= FailuresPerClient
        && clock.GetCurrentInstant() - failures.Since < Window;

    public void Failed(string email, string client)
    {
        var now = clock.GetCurrentInstant();
        var key = Key(email, client);
        var failures = cache.TryGetValue(key, out Failures? known) && now - known!.Since < Window ? known with { Count = known.Count + 1 } : new Failures(1, now);
        cache.Set(key, failures, Window.ToTimeSpan());
    }

    public void Succeeded(string email, string client) => cache.Remove(Key(email, client));

    /// <summary>
    /// A failed sign-in for an email without an account, counted the way Identity counts a real
    /// account's (<see cref="AccountLockoutFailures"/> failures lock it for <see cref="AccountLockout"/>).
    /// </summary>
    /// <returns>Whether a real account would now be locked out.</returns>
    public bool FailedUnknown(string email)
    {
        var now = clock.GetCurrentInstant();
        var key = $"sign-in-unknown:{email.Trim().ToUpperInvariant()}";
        var known = cache.TryGetValue(key, out UnknownAccount? entry) ? entry! : new UnknownAccount(0, Instant.MinValue);
        if (known.LockedUntil > now) return true;
        var next = known.Failures + 1 >= AccountLockoutFailures ? new UnknownAccount(0, now + AccountLockout) : known with { Failures = known.Failures + 1 };
        // Bounded like the per-client counts: a day without attempts forgets the email.
        cache.Set(key, next, TimeSpan.FromDays(1));
        return next.LockedUntil > now;
    }

    /// <summary>The work a wrong password costs, for an email without an account.</summary>
    public void HashAsIfKnown(string password) =>
        hasher.VerifyHashedPassword(new AppUser(), _unknownUserHash ??= hasher.HashPassword(new AppUser(), Guid.NewGuid().ToString("N")), password);

    private static string Key(string email, string client) => $"sign-in-failures:{email.Trim().ToUpperInvariant()}:{client}";
}

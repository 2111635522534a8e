using NodaTime;

namespace Consulting.Web.Hosting;

/// <summary>
/// The app's <see cref="IClock"/> as a <see cref="TimeProvider"/>, so framework code that reads the
/// time (sign-in cookie expiry, Identity's security-stamp checks, the account-link tokens) uses the
/// same clock as everything else, and tests move all of it with one FakeClock.
/// </summary>
public sealed class ClockTimeProvider(IClock clock) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => clock.GetCurrentInstant().ToDateTimeOffset();
}

using Consulting.Web.Scheduling;
using NodaTime;

namespace Consulting.Tests.Scheduling;

[NoDatabase]
public sealed class ZoneDisplayTests
{
    private static readonly Instant Winter = Instant.FromUtc(2026, 11, 9, 14, 0);
    private static readonly Instant Summer = Instant.FromUtc(2026, 7, 9, 13, 0);

    [Theory]
    [InlineData("America/New_York", "Mon 9 Nov 2026, 09:00 EST (New York)")]
    [InlineData("Asia/Tokyo", "Mon 9 Nov 2026, 23:00 JST (Tokyo)")]
    [InlineData("America/Argentina/Buenos_Aires", "Mon 9 Nov 2026, 11:00 UTC−03:00 (Buenos Aires)")]
    [InlineData("Asia/Kolkata", "Mon 9 Nov 2026, 19:30 IST (Kolkata)")]
    [InlineData("UTC", "Mon 9 Nov 2026, 14:00 UTC")]
    public void A_time_names_its_zone_once_and_its_city_where_that_adds_something(string zone, string expected) =>
        Assert.Equal(expected, ZoneDisplay.DateTime(Winter, zone));

    [Fact]
    public void The_abbreviation_follows_daylight_saving_time() =>
        Assert.Equal("Thu 9 Jul 2026, 09:00 EDT (New York)", ZoneDisplay.DateTime(Summer, "America/New_York"));
}

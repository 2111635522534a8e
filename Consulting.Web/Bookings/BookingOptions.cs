using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>The "Booking" settings section.</summary>
public sealed class BookingOptions
{
    public int HoldMinutes { get; set; } = 15;
    public int MinimumNoticeMinutes { get; set; } = 120;
    public int PolicyWindowHours { get; set; } = 24;

    public Duration Hold => Duration.FromMinutes(HoldMinutes);
    public Duration MinimumNotice => Duration.FromMinutes(MinimumNoticeMinutes);
    public CancellationPolicy Policy => new(Duration.FromHours(PolicyWindowHours));
}

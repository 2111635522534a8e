using System.ComponentModel.DataAnnotations;
using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Web.Shared;

/// <summary>The "Booking" settings section.</summary>
public sealed class BookingOptions
{
    public const string Section = "Booking";

    /// <summary>A checkout needs some minutes; a hold longer than a day would block the slot for nothing.</summary>
    [Range(1, 1440)]
    public int HoldMinutes { get; set; } = 15;
    [Range(0, 366 * 24 * 60)]
    public int MinimumNoticeMinutes { get; set; } = 120;
    [Range(0, 366 * 24)]
    public int PolicyWindowHours { get; set; } = 24;

    public Duration Hold => Duration.FromMinutes(HoldMinutes);
    public Duration MinimumNotice => Duration.FromMinutes(MinimumNoticeMinutes);
    public CancellationPolicy Policy => new(Duration.FromHours(PolicyWindowHours));
}

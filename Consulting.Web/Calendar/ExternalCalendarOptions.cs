using System.ComponentModel.DataAnnotations;

namespace Consulting.Web.Calendar;

/// <summary>The "ExternalCalendars" settings section: reading the specialists' own calendars.</summary>
public sealed class ExternalCalendarOptions
{
    public const string Section = "ExternalCalendars";

    /// <summary>How often every calendar address is fetched again.</summary>
    [Range(1, 1440)]
    public int RefreshMinutes { get; set; } = 15;

    /// <summary>How long one fetch may take, redirects included.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>The largest calendar file read; a larger one is refused.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public int MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// Allows addresses on loopback, private, link-local and unique-local networks (tests, calendars
    /// on the premises). Off, such addresses are refused even when a public name resolves to them.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>A specialist may add at most this many calendars.</summary>
    [Range(1, 50)]
    public int MaxPerSpecialist { get; set; } = 10;
}

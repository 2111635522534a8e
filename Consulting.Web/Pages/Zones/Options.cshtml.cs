using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Zones;

/// <summary>
/// The zone pickers' suggestions, which htmx loads into their datalist (Pages/Shared/_ZoneOptions):
/// one response a browser keeps, instead of ~28 KB of options in every page that has a picker.
/// </summary>
public sealed class OptionsModel : PageModel
{
    /// <summary>Versioned by the list itself, so a response may be kept for good.</summary>
    public static string ListUrl { get; } = "/zones/options?v=" + ZoneDisplay.PickableZonesVersion;

    public void OnGet() => Response.Headers.CacheControl = "public, max-age=31536000, immutable";
}

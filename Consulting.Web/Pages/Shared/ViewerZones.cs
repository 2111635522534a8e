using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Identity;

// In the pages' root namespace: every PageModel sees it without a using. It reads the request
// (cookies, the signed-in user), so it belongs to the web layer rather than to Scheduling.
namespace Consulting.Web.Pages;

/// <summary>The time zone a visitor sees times in: picked, else detected by the browser, else the account's, else UTC.</summary>
public static class ViewerZones
{
    public const string CookieName = "tz";
    /// <summary>Says the "tz" cookie holds a zone the visitor picked, which site.js then never replaces with the detected one.</summary>
    public const string PickedCookieName = "tz-picked";

    public static ViewerZone Resolve(HttpContext context, string? picked, string? accountZone)
    {
        // Typed without JavaScript it may be a city ("tokyo") or an older name: ZoneLookup finds the zone.
        if (ZoneLookup.TryFind(picked, out var pickedZone)) return new ViewerZone(pickedZone, ZoneSource.Picked);
        var rejected = string.IsNullOrWhiteSpace(picked) ? null : picked.Trim();
        if (context.Request.Cookies.TryGetValue(CookieName, out var cookie) && ZoneLookup.TryFind(cookie, out var detected))
            return new ViewerZone(detected, ZoneSource.Browser, rejected);
        if (TimeZones.IsKnown(accountZone)) return new ViewerZone(accountZone!, ZoneSource.Account, rejected);
        return new ViewerZone("UTC", ZoneSource.Default, rejected);
    }

    /// <summary>
    /// <see cref="Resolve"/>, looking the signed-in account's zone up only when neither the picker
    /// nor the browser gives one (most requests then build no UserManager, see Pages/Shared/_Layout).
    /// </summary>
    public static async Task<ViewerZone> ResolveAsync(HttpContext context, string? picked)
    {
        var zone = Resolve(context, picked, null);
        if (zone.Source != ZoneSource.Default || context.User.Identity?.IsAuthenticated != true) return zone;
        var users = context.RequestServices.GetRequiredService<UserManager<AppUser>>();
        return Resolve(context, picked, (await users.GetUserAsync(context.User))?.TimeZoneId);
    }

    /// <summary>Remembers a picked zone, so the next page shows it too (without JavaScript as well).</summary>
    public static void Remember(HttpContext context, ViewerZone zone)
    {
        if (zone.Source != ZoneSource.Picked) return;
        var options = new CookieOptions { Path = "/", MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, IsEssential = true };
        context.Response.Cookies.Append(CookieName, zone.Id, options);
        context.Response.Cookies.Append(PickedCookieName, "1", options);
    }
}

using Microsoft.AspNetCore.Identity;

namespace Consulting.Web.Data;

public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    /// <summary>The zone the user picked; pages fall back to the browser's zone when it is null.</summary>
    public string? TimeZoneId { get; set; }
}

public static class Roles
{
    public const string Customer = "Customer";
    public const string Specialist = "Specialist";
    public const string Admin = "Admin";

    public static readonly string[] All = [Customer, Specialist, Admin];
}

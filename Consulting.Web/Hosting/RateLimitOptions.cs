using System.ComponentModel.DataAnnotations;

namespace Consulting.Web.Hosting;

/// <summary>The "RateLimits" settings section: per client address and minute (the real client behind known proxies).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    [Range(1, int.MaxValue)]
    public int SignInPerMinute { get; set; } = 10;

    [Range(1, int.MaxValue)]
    public int HoldsPerMinute { get; set; } = 30;
}

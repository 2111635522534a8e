using System.ComponentModel.DataAnnotations;
using NodaTime;

namespace Consulting.Web.Jobs;

/// <summary>The "Jobs" settings section.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";
    public const int DefaultLeaseSeconds = 30;
    public static readonly Duration DefaultLease = Duration.FromSeconds(DefaultLeaseSeconds);

    /// <summary>
    /// Off only in tests that run jobs themselves, so background timing can't change what they see.
    /// </summary>
    public bool RunInBackground { get; set; } = true;

    /// <summary>
    /// How long a claim on background work lasts unless renewed (it is, every third of it, while the
    /// work runs): a killed instance's work waits at most this long for another instance.
    /// </summary>
    [Range(5, 3600)]
    public int LeaseSeconds { get; set; } = DefaultLeaseSeconds;

    public Duration Lease => Duration.FromSeconds(LeaseSeconds);
}

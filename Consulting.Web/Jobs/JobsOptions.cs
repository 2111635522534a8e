namespace Consulting.Web.Jobs;

/// <summary>The "Jobs" settings section.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// Off only in tests that run jobs themselves, so background timing can't change what they see.
    /// </summary>
    public bool RunInBackground { get; set; } = true;
}

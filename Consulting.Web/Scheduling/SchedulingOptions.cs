using System.ComponentModel.DataAnnotations;

namespace Consulting.Web.Scheduling;

/// <summary>The "Scheduling" settings section.</summary>
public sealed class SchedulingOptions : IValidatableObject
{
    public const string Section = "Scheduling";

    /// <summary>How many days ahead the nightly job keeps every active schedule generated.</summary>
    [Range(1, 3660)]
    public int HorizonDays { get; set; } = 60;

    /// <summary>The longest range one generation request may cover.</summary>
    [Range(1, 3660)]
    public int MaxRangeDays { get; set; } = 366;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (HorizonDays > MaxRangeDays)
            yield return new ValidationResult($"Scheduling:HorizonDays ({HorizonDays}) is more than Scheduling:MaxRangeDays ({MaxRangeDays}), the longest range one generation may cover.");
    }
}

namespace Consulting.Web.Scheduling;

/// <summary>The "Scheduling" settings section.</summary>
public sealed class SchedulingOptions
{
    /// <summary>How many days ahead the nightly job keeps every active schedule generated.</summary>
    public int HorizonDays { get; set; } = 60;

    /// <summary>The longest range one generation request may cover.</summary>
    public int MaxRangeDays { get; set; } = 366;
}

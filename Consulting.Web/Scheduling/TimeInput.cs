using NodaTime;
using NodaTime.Text;

namespace Consulting.Web.Scheduling;

/// <summary>Parses what HTML date/time inputs send ("2026-03-08", "09:30").</summary>
public static class TimeInput
{
    private static readonly LocalTimePattern HourMinute = LocalTimePattern.CreateWithInvariantCulture("HH:mm");
    private static readonly LocalTimePattern HourMinuteSecond = LocalTimePattern.CreateWithInvariantCulture("HH:mm:ss");

    public static LocalTime? Time(string? text)
    {
        var value = (text ?? "").Trim();
        var result = HourMinute.Parse(value);
        if (!result.Success) result = HourMinuteSecond.Parse(value);
        return result.Success ? result.Value : null;
    }

    /// <summary>
    /// A date of the years people book in, else null: NodaTime parses -9998 to 9999, but a week or
    /// range computed from an edge date (plus a week, in a zone, as an instant) overflows.
    /// </summary>
    public static LocalDate? Date(string? text)
    {
        var result = LocalDatePattern.Iso.Parse((text ?? "").Trim());
        return result.Success && result.Value.Year is >= MinYear and <= MaxYear ? result.Value : null;
    }

    public const int MinYear = 1900, MaxYear = 2200;

    public static string Format(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static string Format(LocalTime time) => HourMinute.Format(time);
}

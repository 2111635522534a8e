using Consulting.Web.Domain;
using NodaTime;
using NodaTime.Text;

namespace Consulting.Web.Scheduling;

/// <summary>Parses what HTML date/time inputs send ("2026-03-08", "09:30") and writes times back the same way.</summary>
public static class TimeInput
{
    private static readonly LocalTimePattern HourMinute = LocalTimePattern.CreateWithInvariantCulture("HH:mm");
    private static readonly LocalTimePattern HourMinuteSecond = LocalTimePattern.CreateWithInvariantCulture("HH:mm:ss");

    /// <summary>The way an end at midnight is written (and may be typed).</summary>
    public const string Midnight = "24:00";

    /// <summary>
    /// A time of day in whole minutes. "09:30:00" (what some browsers send) is 09:30; a time with
    /// seconds is refused rather than silently cut. With <paramref name="isEnd"/>, "24:00" is midnight
    /// at the end of the day.
    /// </summary>
    public static bool TryTime(string? text, bool isEnd, out LocalTime time, out string? error)
    {
        time = default;
        var value = (text ?? "").Trim();
        error = null;
        if (value.Length == 0)
        {
            error = Missing(isEnd);
            return false;
        }
        if (value is Midnight or "24:00:00")
        {
            if (isEnd)
            {
                time = LocalTime.Midnight;
                return true;
            }
            error = "A window can't start at 24:00; start at 00:00 instead.";
            return false;
        }
        var result = HourMinute.Parse(value);
        if (result.Success)
        {
            time = result.Value;
            return true;
        }
        result = HourMinuteSecond.Parse(value);
        if (result.Success && result.Value.Second != 0)
        {
            error = $"Use hours and minutes only, like {Format(result.Value.With(TimeAdjusters.TruncateToMinute))}: slots start on whole minutes.";
            return false;
        }
        if (result.Success)
        {
            time = result.Value;
            return true;
        }
        error = "Enter a time like 09:30.";
        return false;
    }

    /// <summary>What an empty start or end of a window says.</summary>
    public static string Missing(bool isEnd) => isEnd ? "Enter an end time." : "Enter a start time.";

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

    /// <summary>For a link's query or an optional field: no date, no text.</summary>
    public static string? Format(LocalDate? date) => date is { } d ? Format(d) : null;

    public static string Format(LocalTime time) => HourMinute.Format(time);

    /// <summary>An end as the specialist wrote it: midnight is "24:00".</summary>
    public static string FormatEnd(LocalTime end) => end == LocalTime.Midnight ? Midnight : Format(end);

    /// <summary>"09:00–12:00", "23:00–24:00", "22:00–02:00 next day".</summary>
    public static string Format(TimeWindow window) =>
        $"{Format(window.Start)}–{FormatEnd(window.End)}{(window.CrossesMidnight ? " next day" : "")}";
}

using Consulting.Web.Scheduling;
using NodaTime;

namespace Consulting.Tests.Scheduling;

/// <summary>What a specialist or customer types into time and zone fields, and what it becomes.</summary>
public sealed class InputTests
{
    [Theory]
    [InlineData("09:30", false, 9, 30)]
    [InlineData(" 09:30 ", false, 9, 30)]
    [InlineData("09:30:00", false, 9, 30)]
    [InlineData("00:00", true, 0, 0)]
    [InlineData("24:00", true, 0, 0)]
    public void Times_in_whole_minutes_are_read(string text, bool isEnd, int hour, int minute)
    {
        Assert.True(TimeInput.TryTime(text, isEnd, out var time, out var error), error);
        Assert.Equal(new LocalTime(hour, minute), time);
    }

    [Theory]
    [InlineData("09:30:15", false, "Use hours and minutes only, like 09:30")]
    [InlineData("24:00", false, "A window can't start at 24:00")]
    [InlineData("", false, "Enter a start time.")]
    [InlineData("  ", true, "Enter an end time.")]
    [InlineData("9.30", true, "Enter a time like 09:30.")]
    [InlineData("24:01", true, "Enter a time like 09:30.")]
    public void Other_times_are_refused_with_a_message(string text, bool isEnd, string message)
    {
        Assert.False(TimeInput.TryTime(text, isEnd, out _, out var error));
        Assert.StartsWith(message, error);
    }

    [Fact]
    public void Windows_read_back_as_they_were_typed()
    {
        Assert.Equal("23:00–24:00", TimeInput.Format(new Consulting.Web.Domain.TimeWindow(new LocalTime(23, 0), LocalTime.Midnight, 60)));
        Assert.Equal("22:00–02:00 next day", TimeInput.Format(new Consulting.Web.Domain.TimeWindow(new LocalTime(22, 0), new LocalTime(2, 0), 60)));
        Assert.Equal("00:00–24:00", TimeInput.Format(new Consulting.Web.Domain.TimeWindow(LocalTime.Midnight, LocalTime.Midnight, 60)));
    }

    [Theory]
    [InlineData("Europe/Berlin", "Europe/Berlin", null)]
    [InlineData("  europe/berlin  ", "Europe/Berlin", null)]
    [InlineData("Berlin", "Europe/Berlin", null)]
    [InlineData("tokyo", "Asia/Tokyo", null)]
    [InlineData("New York", "America/New_York", null)]
    [InlineData("buenos_aires", "America/Argentina/Buenos_Aires", null)]
    [InlineData("America/New York", "America/New_York", null)]
    [InlineData("utc", "UTC", null)]
    [InlineData("Etc/UTC", "UTC", null)]
    [InlineData("US/Eastern", "America/New_York", "\u201CUS/Eastern\u201D is an older name for America/New_York; saved as America/New_York.")]
    [InlineData("Asia/Calcutta", "Asia/Kolkata", "\u201CAsia/Calcutta\u201D is an older name for Asia/Kolkata; saved as Asia/Kolkata.")]
    [InlineData("Europe/Kiev", "Europe/Kyiv", "\u201CEurope/Kiev\u201D is an older name for Europe/Kyiv; saved as Europe/Kyiv.")]
    public void A_typed_zone_finds_its_canonical_iana_zone(string typed, string zone, string? note)
    {
        var match = ZoneLookup.Find(typed);

        Assert.Equal((zone, null, note), (match.ZoneId, match.Error, match.Note));
    }

    [Theory]
    // tzdb 2024b made EST a link to America/Panama (no daylight saving): never what "EST" is meant as.
    [InlineData("EST", "abbreviation", "America/New_York")]
    [InlineData("est5edt", "abbreviation", "America/New_York")]
    [InlineData("PST", "abbreviation", "America/Los_Angeles")]
    [InlineData("CET", "abbreviation", "Europe/Berlin")]
    [InlineData("Etc/GMT+5", "fixed offset", "Berlin")]
    [InlineData("Mars/Olympus_Mons", "not a time zone we know", "Europe/Berlin")]
    [InlineData("Tokio", "not a time zone we know", "Berlin")]
    [InlineData("Berl", "Did you mean Europe/Berlin?", "Europe/Berlin")]
    [InlineData("", "Enter a time zone", "Berlin")]
    public void Abbreviations_fixed_offsets_and_unknown_names_are_refused_with_a_suggestion(string typed, string why, string suggestion)
    {
        var match = ZoneLookup.Find(typed);

        Assert.Null(match.ZoneId);
        Assert.Contains(why, match.Error);
        Assert.Contains(suggestion, match.Error);
    }

    [Fact]
    public void Every_zone_a_picker_suggests_is_found_by_its_own_name_and_by_its_city()
    {
        foreach (var zone in ZoneDisplay.PickableZones)
        {
            Assert.Equal(zone, ZoneLookup.Find(zone).ZoneId);
            Assert.Equal(zone, ZoneLookup.Find(ZoneDisplay.City(zone)).ZoneId);
        }
    }
}

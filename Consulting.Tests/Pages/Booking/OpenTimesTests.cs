using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

/// <summary>What customers see when a specialist has little or no open time. Clock: Mon 2 Nov 2026 12:00Z.</summary>
public sealed class OpenTimesTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>A Berlin specialist whose hours are applied the way saving them on the page applies them.</summary>
    private async Task<string> SpecialistAsync(string name, Action<AvailabilitySchedule, Instant> schedule)
    {
        var me = await _app.CreateSignedInAsync("Europe/Berlin", schedule);
        await _app.ApplyScheduleAsync(me.Id);
        return await _app.WithDbAsync(async db =>
        {
            var profile = await db.Specialists.SingleAsync(p => p.Id == me.Id);
            profile.UpdateProfile(name, profile.Headline, profile.Bio, null, profile.TimeZoneId, profile.Currency);
            await db.SaveChangesAsync();
            return profile.Slug;
        });
    }

    [Fact]
    public async Task A_week_without_open_times_says_when_the_next_one_is_and_jumps_to_it()
    {
        // Only one date with hours: Thursday 19 November, 10:00–11:00 in Berlin (CET, UTC+1).
        var slug = await SpecialistAsync("Nora Next", (s, now) =>
            s.SetException(new LocalDate(2026, 11, 19), true, [new TimeWindow(new LocalTime(10, 0), new LocalTime(11, 0), 60)], null, now));
        var client = _app.CreateBrowserLikeClient();

        var page = await OpenTimesPage.OpenAsync(client, slug, zone: "Asia/Tokyo");

        Assert.Empty(page.SlotButtonIds);
        // 10:00 in Berlin is 18:00 in Tokyo (JST, UTC+9).
        Assert.Equal("No open times this week. The next one is Thursday 19 November at 18:00 JST.", page.Document.QuerySelector(".week-empty p").Text());
        var jump = page.NextAvailableLink!;
        Assert.Equal("Next available →", jump.Text());
        Assert.Equal("/specialists/" + slug + "?week=2026-11-16&tz=Asia%2FTokyo", jump.GetAttribute("href"));
        Assert.Equal(jump.GetAttribute("href"), jump.GetAttribute("hx-get"));

        var next = await OpenTimesPage.OpenAtAsync(client, jump.GetAttribute("href")!);
        Assert.Equal(["18:00 JST"], next.SlotTimes);
    }

    [Fact]
    public async Task A_specialist_without_open_times_is_listed_last_in_the_directory_as_having_none_and_their_page_says_so()
    {
        var open = await SpecialistAsync("Alma Open", (s, now) =>
            s.AddWindow(IsoDayOfWeek.Wednesday, new TimeWindow(new LocalTime(9, 0), new LocalTime(12, 0), 60, 4000), now));
        var none = await SpecialistAsync("Aaron Empty", (_, _) => { });

        var home = await _app.CreateClient().GetPageAsync("/");

        var cards = home.QuerySelectorAll(".specialist-card");
        Assert.Equal(["Alma Open", "Aaron Empty"], cards.Select(c => c.QuerySelector(".specialist-name").Text()));
        // From: the lowest price of the hours (the window's own €40, below the €50 default).
        Assert.StartsWith("€40.00", cards[0].QuerySelector(".price").Text());
        Assert.Equal("No open times yet", cards[1].QuerySelector(".no-times").Text());
        Assert.Null(cards[1].QuerySelector(".price"));

        var page = await OpenTimesPage.OpenAsync(_app.CreateClient(), none);
        Assert.StartsWith("No open times yet.", page.EmptyWeek);
        Assert.Null(page.NextAvailableLink);
        var openPage = await OpenTimesPage.OpenAsync(_app.CreateClient(), open, "2026-11-02");
        Assert.NotEmpty(openPage.SlotButtonIds);
        Assert.StartsWith("From €40.00 per session", openPage.Document.QuerySelector(".profile-facts").Text());
    }

    [Theory]
    [InlineData("tokyo", "18:00 JST")]
    [InlineData("US/Pacific", "01:00 PST")]
    [InlineData("  Europe/London ", "09:00 GMT")]
    public async Task A_city_or_older_zone_name_typed_without_javascript_finds_its_zone_on_the_week_page_and_in_search(string typed, string shown)
    {
        var slug = await SpecialistAsync("Tomo Zone", (s, now) =>
            s.AddWindow(IsoDayOfWeek.Wednesday, new TimeWindow(new LocalTime(10, 0), new LocalTime(11, 0), 60), now));

        // 10:00 in Berlin (CET, UTC+1) is 18:00 in Tokyo, 01:00 in Los Angeles (PST, UTC−8), 09:00 in London.
        var week = await OpenTimesPage.OpenAsync(_app.CreateClient(), slug, "2026-11-02", typed);
        Assert.Equal([shown], week.SlotTimes);
        Assert.Null(week.Document.QuerySelector("#tz")!.GetAttribute("aria-invalid"));

        var find = await FindPage.SearchAsync(_app.CreateClient(), $"From=2026-11-04&To=2026-11-04&tz={Uri.EscapeDataString(typed)}");
        Assert.Equal([shown], find.Results.Select(r => r.Time));
    }
}

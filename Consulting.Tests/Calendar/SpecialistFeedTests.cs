using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Consulting.Tests.Support;
using Consulting.Web.Calendar;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Calendar;

public sealed class FeedAppFactory : AppFactory;

/// <summary>
/// The private iCal feed through real HTTP, read back by ical.js. Clock: Monday 2 November 2026,
/// 12:00 UTC, so the feed reaches back to 3 October 2026 12:00 UTC.
/// </summary>
public sealed class SpecialistFeedTests(FeedAppFactory app) : IClassFixture<FeedAppFactory>
{
    private static readonly Dictionary<string, string> Htmx = new() { ["HX-Request"] = "true" };
    private const string MeetingUrl = "https://meet.jit.si/consulting-feed-test";

    private sealed record Subscription(BookableSpecialist Specialist, TestSpecialist Account, string Url);

    /// <summary>A New York specialist with weekday 09:00–12:00 slots for 3–13 November 2026, signed in.</summary>
    private async Task<Subscription> SpecialistAsync()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync("America/New_York");
        var (email, secret) = await app.WithDbAsync(async db =>
        {
            var profile = await db.Specialists.AsNoTracking().SingleAsync(p => p.Id == specialist.Id);
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == profile.UserId);
            return (user.Email!, profile.FeedSecret);
        });
        var client = app.CreateBrowserLikeClient();
        await client.SignInOrFailAsync(email, SpecialistAccounts.Password);
        return new Subscription(specialist, new TestSpecialist(specialist.Id, email, client), SpecialistFeed.Path(specialist.Slug, secret));
    }

    /// <summary>
    /// A booking made the way checkout makes one (hold, then details), taken to <paramref name="outcome"/>
    /// with the domain's own methods. <paramref name="start"/> is a generated slot's start, or any
    /// other time (a past session), for which a slot is created.
    /// </summary>
    private Task<Booking> BookAsync(Guid specialistId, Instant start, BookingStatus outcome, string name = "Ada Lovelace",
        string? phone = null, string? notes = null) =>
        app.WithDbAsync(async db =>
        {
            var slot = await db.Slots.SingleOrDefaultAsync(s => s.SpecialistId == specialistId && s.Start == start);
            var placedAt = start - Duration.FromDays(10);
            if (slot is null)
            {
                slot = Slot.Create(specialistId, start, start + Duration.FromHours(1), "America/New_York", new Money(50_00, "EUR"), placedAt);
                db.Slots.Add(slot);
            }
            var id = Guid.NewGuid();
            var holdUntil = placedAt + Duration.FromMinutes(15);
            slot.MarkHeld(id, holdUntil);
            var booking = Booking.Place(id, slot,
                new CustomerDetails(name, $"{name.Split(' ')[0].ToLowerInvariant()}@example.com", phone, "Asia/Tokyo", notes), null, holdUntil, placedAt);
            db.Bookings.Add(booking);
            if (outcome == BookingStatus.Expired)
            {
                booking.Expire(holdUntil);
                slot.Release(id);
            }
            else if (outcome != BookingStatus.Pending)
            {
                booking.ConfirmPaid(placedAt + Duration.FromMinutes(2));
                slot.Book(id);
                booking.MeetingSynced(MeetingSync.Create, new MeetingInfo("jitsi", null, MeetingUrl, null));
                var ended = booking.End + Duration.FromMinutes(5);
                switch (outcome)
                {
                    case BookingStatus.Cancelled:
                        booking.Cancel(Actor.Customer(null), "Can't make it", placedAt + Duration.FromDays(1), CancellationPolicy.Default);
                        slot.Release(id);
                        break;
                    case BookingStatus.Completed:
                        booking.MarkCompleted(Actor.System, ended);
                        break;
                    case BookingStatus.NoShow:
                        booking.MarkNoShow(Actor.System, ended);
                        break;
                }
            }
            await db.SaveChangesAsync();
            return booking;
        });

    private static string Uid(Booking booking) => BookingInvites.Uid(booking.Id);

    [Fact]
    public async Task The_feed_lists_confirmed_completed_no_show_and_cancelled_bookings_of_the_last_30_days_onwards()
    {
        var me = await SpecialistAsync();
        // New York is on EST (UTC−5) from 1 November 2026 and on EDT (UTC−4) before.
        var confirmed = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 11, 3, 14, 0), BookingStatus.Confirmed,
            "Ada Lovelace", "+14155550123", "Runway planning;\nfundraising, Q1");
        var cancelled = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 11, 3, 15, 0), BookingStatus.Cancelled, "Grace Hopper");
        var pending = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 11, 4, 14, 0), BookingStatus.Pending, "Pending Person");
        var expired = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 11, 4, 15, 0), BookingStatus.Expired, "Expired Person");
        var completed = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 10, 20, 13, 0), BookingStatus.Completed, "Alan Turing");
        var noShow = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 10, 27, 13, 0), BookingStatus.NoShow, "Edsger Dijkstra");
        // 38 days before the clock: outside the 30-day window.
        var old = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 9, 25, 13, 0), BookingStatus.Completed, "Old Customer");
        var someoneElses = await BookAsync((await app.CreateSpecialistWithSlotsAsync()).Id, Instant.FromUtc(2026, 11, 3, 14, 0),
            BookingStatus.Confirmed, "Not Mine");

        var response = await app.CreateClient().GetAsync(me.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        AssertCachedPrivatelyFor5Minutes(response);
        Assert.False(response.Headers.ETag?.IsWeak ?? true);
        Assert.Equal(["inline; filename=\"consulting.ics\""], response.Content.Headers.GetValues("Content-Disposition"));
        Assert.False(response.Headers.Contains("Set-Cookie"));

        var feed = IcsValidator.Validate(await response.Content.ReadAsStringAsync());

        Assert.Equal("PUBLISH", feed.Method);
        Assert.StartsWith("Consulting: Test Specialist", feed.CalendarName);
        Assert.Equal(["America/New_York"], feed.TimeZones);
        Assert.Equal([Uid(completed), Uid(noShow), Uid(confirmed), Uid(cancelled)], feed.Events.Select(e => e.Uid));
        foreach (var absent in new[] { pending, expired, old, someoneElses }) Assert.DoesNotContain(feed.Events, e => e.Uid == Uid(absent));

        var c = feed.Event(Uid(confirmed));
        Assert.Equal("CONFIRMED", c.Status);
        Assert.Equal("Session with Ada Lovelace", c.Summary);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 14, 0, 0, TimeSpan.Zero), c.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 15, 0, 0, TimeSpan.Zero), c.End);
        Assert.Equal("America/New_York", c.StartTzid);
        Assert.Equal(MeetingUrl, c.Location);
        Assert.Equal(MeetingUrl, c.Url);
        Assert.Contains("Email: ada@example.com", c.Description);
        Assert.Contains("Phone: +14155550123", c.Description);
        Assert.Contains("Runway planning;\nfundraising, Q1", c.Description);
        Assert.Equal(0, c.Sequence);

        var x = feed.Event(Uid(cancelled));
        Assert.Equal("CANCELLED", x.Status);
        Assert.Equal("TRANSPARENT", x.Transparency);
        Assert.Equal(1, x.Sequence);
        Assert.Contains("Grace Hopper", x.Summary);

        Assert.Equal(new DateTimeOffset(2026, 10, 20, 13, 0, 0, TimeSpan.Zero), feed.Event(Uid(completed)).Start);
        Assert.Contains("Status: completed", feed.Event(Uid(completed)).Description);
        Assert.Contains("Status: no-show", feed.Event(Uid(noShow)).Description);
    }

    [Fact]
    public async Task A_deleted_customers_booking_stays_in_the_feed_without_their_name_or_an_empty_email_line()
    {
        var me = await SpecialistAsync();
        var booking = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 11, 5, 15, 0), BookingStatus.Completed, "Ana Díaz");
        await app.WithDbAsync(async db =>
        {
            (await db.Bookings.SingleAsync(b => b.Id == booking.Id)).ForgetCustomer(app.Clock.GetCurrentInstant());
            await db.SaveChangesAsync();
        });

        var kept = IcsValidator.Validate(await app.CreateClient().GetStringAsync(me.Url)).Event(Uid(booking));

        Assert.Equal("Session with Deleted customer", kept.Summary);
        Assert.Contains("Customer: Deleted customer", kept.Description);
        Assert.DoesNotContain("Email:", kept.Description);
        Assert.DoesNotContain("Ana", kept.Description);
    }

    [Fact]
    public async Task A_rescheduled_booking_appears_once_at_its_new_time_with_a_higher_sequence()
    {
        var me = await SpecialistAsync();
        var booking = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 11, 5, 14, 0), BookingStatus.Confirmed);
        var before = IcsValidator.Validate(await app.CreateClient().GetStringAsync(me.Url)).Event(Uid(booking));

        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Bookings.SingleAsync(b => b.Id == booking.Id);
            var from = await db.Slots.SingleAsync(s => s.Id == tracked.SlotId);
            var to = await db.Slots.SingleAsync(s => s.SpecialistId == me.Specialist.Id && s.Start == Instant.FromUtc(2026, 11, 6, 16, 0));
            tracked.Reschedule(to, Actor.Customer(null), null, app.Clock.GetCurrentInstant(), CancellationPolicy.Default);
            from.Release(booking.Id);
            to.Book(booking.Id);
            await db.SaveChangesAsync();
        });
        var feed = IcsValidator.Validate(await app.CreateClient().GetStringAsync(me.Url));

        var after = Assert.Single(feed.Events);
        Assert.Equal(before.Uid, after.Uid);
        Assert.Equal(before.Sequence + 1, after.Sequence);
        Assert.Equal(new DateTimeOffset(2026, 11, 6, 16, 0, 0, TimeSpan.Zero), after.Start);
    }

    [Fact]
    public async Task An_unchanged_feed_answers_304_to_its_etag_and_a_change_gives_a_new_etag()
    {
        var me = await SpecialistAsync();
        var booking = await BookAsync(me.Specialist.Id, Instant.FromUtc(2026, 11, 9, 14, 0), BookingStatus.Confirmed);
        var client = app.CreateClient();
        var first = await client.GetAsync(me.Url);
        var etag = first.Headers.ETag!;

        // DTSTAMP comes from the bookings, not the clock: minutes later the text (and ETag) is the same.
        app.Clock.Advance(Duration.FromMinutes(7));
        var again = new HttpRequestMessage(HttpMethod.Get, me.Url);
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);
        AssertCachedPrivatelyFor5Minutes(notModified);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        // Calendar apps may probe with HEAD.
        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, me.Url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(etag, head.Headers.ETag);

        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Bookings.SingleAsync(b => b.Id == booking.Id);
            tracked.Cancel(Actor.Specialist("x"), "Ill", app.Clock.GetCurrentInstant(), CancellationPolicy.Default);
            await db.SaveChangesAsync();
        });
        var stale = new HttpRequestMessage(HttpMethod.Get, me.Url);
        stale.Headers.IfNoneMatch.Add(etag);
        var changed = await client.SendAsync(stale);

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal("CANCELLED", IcsValidator.Validate(await changed.Content.ReadAsStringAsync()).Event(Uid(booking)).Status);
    }

    [Fact]
    public async Task A_specialist_without_bookings_gets_a_valid_empty_feed()
    {
        var me = await SpecialistAsync();

        var feed = IcsValidator.Validate(await app.CreateClient().GetStringAsync(me.Url));

        Assert.Equal("PUBLISH", feed.Method);
        Assert.Empty(feed.Events);
    }

    [Fact]
    public async Task A_wrong_secret_and_an_unknown_slug_both_get_the_same_plain_404()
    {
        var me = await SpecialistAsync();
        var secret = me.Url.Split('/')[^1][..^4];
        var wrong = secret[..^1] + (secret.EndsWith('0') ? "1" : "0");
        var client = app.CreateClient();

        foreach (var url in new[]
        {
            SpecialistFeed.Path(me.Specialist.Slug, wrong),
            SpecialistFeed.Path(me.Specialist.Slug, secret[..^2]),
            SpecialistFeed.Path("no-such-specialist", secret),
        })
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Not found.", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_feed_page_shows_the_full_subscription_address()
    {
        var me = await SpecialistAsync();

        var page = await me.Account.Client.GetPageAsync("/specialist/feed");

        var input = page.QuerySelector<IHtmlInputElement>("#FeedUrl")!;
        Assert.True(input.IsReadOnly);
        // App:BaseUrl as the tests set it (AppFactory.BaseUrl).
        Assert.Equal("http://localhost:5080" + me.Url, input.Value);
        Assert.Equal("webcal://localhost:5080" + me.Url, page.QuerySelector("#feed-url-hint a")!.GetAttribute("href"));
        Assert.Contains("stops working", page.QuerySelector("#feed-url").Text());
    }

    [Fact]
    public async Task The_feed_page_is_for_specialists_only()
    {
        var anonymous = await app.CreateBrowserLikeClient().GetAsync("/specialist/feed");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/account/sign-in", anonymous.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Rotating_without_htmx_redirects_back_and_only_the_new_address_works()
    {
        var me = await SpecialistAsync();
        var page = await me.Account.Client.GetPageAsync("/specialist/feed");

        var response = await me.Account.Client.SubmitAsync(page, "#feed-url form");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/specialist/feed#feed-url", response.Headers.Location?.OriginalString);
        var after = await me.Account.Client.GetPageAsync("/specialist/feed");
        Assert.Contains("new address", after.QuerySelector(".flash").Text());
        var newUrl = new Uri(after.QuerySelector<IHtmlInputElement>("#FeedUrl")!.Value).AbsolutePath;
        Assert.NotEqual(me.Url, newUrl);
        await AssertOnlyNewWorksAsync(me.Url, newUrl);
    }

    [Fact]
    public async Task Rotating_with_htmx_swaps_in_the_new_address()
    {
        var me = await SpecialistAsync();
        var page = await me.Account.Client.GetPageAsync("/specialist/feed");
        Assert.Equal("/specialist/feed?handler=Rotate", page.QuerySelector("#feed-url form")!.GetAttribute("hx-post"));

        var response = await me.Account.Client.SubmitAsync(page, "#feed-url form", headers: Htmx);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fragment = await Html.ParseAsync(response);
        Assert.Null(fragment.QuerySelector("header.site-header"));
        Assert.Equal("feed-url", fragment.Body!.FirstElementChild!.Id);
        Assert.Contains("no longer works", fragment.QuerySelector("[role=status]").Text());
        var newUrl = new Uri(fragment.QuerySelector<IHtmlInputElement>("#FeedUrl")!.Value).AbsolutePath;
        Assert.NotEqual(me.Url, newUrl);
        await AssertOnlyNewWorksAsync(me.Url, newUrl);
    }

    [Fact]
    public async Task Rotating_needs_the_antiforgery_token()
    {
        var me = await SpecialistAsync();

        var response = await me.Account.Client.PostAsync("/specialist/feed?handler=Rotate", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(me.Url)).StatusCode);
    }

    private static void AssertCachedPrivatelyFor5Minutes(HttpResponseMessage response)
    {
        var cacheControl = response.Headers.CacheControl!;
        Assert.True(cacheControl.Private);
        Assert.False(cacheControl.Public);
        Assert.Equal(TimeSpan.FromMinutes(5), cacheControl.MaxAge);
    }

    private async Task AssertOnlyNewWorksAsync(string oldUrl, string newUrl)
    {
        var calendarApp = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await calendarApp.GetAsync(oldUrl)).StatusCode);
        var fresh = await calendarApp.GetAsync(newUrl);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        IcsValidator.Validate(await fresh.Content.ReadAsStringAsync());
    }
}

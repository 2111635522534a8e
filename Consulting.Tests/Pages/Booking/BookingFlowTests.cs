using System.Net;
using System.Text.RegularExpressions;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

/// <summary>The customer's path through real HTTP: week view → hold → checkout → test card → confirmation.</summary>
public sealed partial class BookingFlowTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private static HttpRequestMessage GetWithZoneCookie(string url, string zone)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", $"tz={Uri.EscapeDataString(zone)}");
        return request;
    }

    /// <summary>Holds the first open slot through the page's own form; returns the checkout page response.</summary>
    private async Task<(HttpClient Client, HttpResponseMessage Response, Slot Slot)> HoldFirstSlotAsync(BookableSpecialist specialist, string zone = "Asia/Tokyo")
    {
        var client = app.CreateBrowserLikeClient();
        var page = await OpenTimesPage.OpenAsync(client, specialist.Slug, "2026-11-09", zone);
        var slot = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0));
        return (client, await page.ChooseAsync(slot), slot);
    }

    [Fact]
    public async Task The_week_view_shows_slots_in_the_viewers_zone_with_its_abbreviation_and_price()
    {
        var maya = await app.CreateSpecialistWithSlotsAsync("America/New_York");

        var client = app.CreateClient();
        var page = await OpenTimesPage.ReadAsync(client, await client.SendAsync(
            GetWithZoneCookie(OpenTimesPage.Address(maya.Slug, "2026-11-09"), "Asia/Tokyo")));

        // New York is on EST (UTC−5) and Tokyo on JST (UTC+9): 09:00 in New York is 23:00 in Tokyo.
        Assert.Contains("Mon", page.DayName(0));
        Assert.Equal(["23:00 JST"], page.SlotTimesOn(0));
        Assert.Equal(["00:00 JST", "01:00 JST", "23:00 JST"], page.SlotTimesOn(1));
        Assert.Contains("€50.00", page.FirstSlotMetaOn(1));
        Assert.Contains("Tokyo (UTC+09:00)", page.ZoneLabel);
    }

    [Fact]
    public async Task The_zone_picker_works_without_javascript_and_is_remembered()
    {
        var jonas = await app.CreateSpecialistWithSlotsAsync("Europe/Berlin");
        var client = app.CreateBrowserLikeClient();

        var picked = await OpenTimesPage.OpenAsync(client, jonas.Slug, "2026-11-09", "America/Los_Angeles");
        // 09:00 in Berlin (CET, UTC+1) is 00:00 in Los Angeles (PST, UTC−8).
        Assert.Equal("00:00 PST", picked.SlotTimes[0]);

        var again = await OpenTimesPage.OpenAsync(client, jonas.Slug, "2026-11-09");
        Assert.Equal("00:00 PST", again.SlotTimes[0]);
    }

    [Fact]
    public async Task The_zone_pickers_suggestions_load_from_one_long_cached_list_instead_of_with_every_page()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var page = await app.CreateClient().GetPageAsync($"/specialists/{specialist.Slug}?week=2026-11-09&tz=UTC");

        var list = page.QuerySelector("datalist#" + page.QuerySelector("#tz")!.GetAttribute("list"))!;
        Assert.Empty(list.Children);
        Assert.Equal("load", list.GetAttribute("hx-trigger"));
        foreach (var htmx in new[] { false, true })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, list.GetAttribute("hx-get"));
            if (htmx) request.Headers.Add("HX-Request", "true");
            var response = await app.CreateClient().SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal((true, TimeSpan.FromDays(365)), (response.Headers.CacheControl!.Public, response.Headers.CacheControl.MaxAge));
            var zones = (await Html.ParseAsync(response)).QuerySelectorAll("option").Select(o => o.GetAttribute("value")).ToList();
            Assert.Superset(new HashSet<string?> { "Asia/Tokyo", "America/Argentina/Buenos_Aires", "UTC" }, zones.ToHashSet());
            Assert.DoesNotContain("US/Eastern", zones);
        }
    }

    [Fact]
    public async Task A_zone_name_we_dont_know_is_named_beside_the_picker_and_times_stay_in_a_known_zone()
    {
        var jonas = await app.CreateSpecialistWithSlotsAsync("Europe/Berlin");

        var page = await app.CreateClient().GetPageAsync($"/specialists/{jonas.Slug}?week=2026-11-09&tz=Asia%2FTokio");

        var input = page.QuerySelector("#tz")!;
        Assert.Equal(("Asia/Tokio", "true"), (input.GetAttribute("value"), input.GetAttribute("aria-invalid")));
        Assert.StartsWith("\u201CAsia/Tokio\u201D is not a time zone we know", page.QuerySelector("#" + input.GetAttribute("aria-describedby"))!.Text());
        // No zone from the browser or an account: UTC, where 09:00 in Berlin (CET, UTC+1) is 08:00.
        Assert.Equal("08:00 UTC", new OpenTimesPage(app.CreateClient(), page).SlotTimes[0]);
    }

    [Fact]
    public async Task A_signed_in_visitor_whose_browser_gave_no_zone_sees_times_in_their_accounts_zone()
    {
        var jonas = await app.CreateSpecialistWithSlotsAsync("Europe/Berlin");
        var visitor = await app.CreateSignedInAsync("Asia/Tokyo");

        var page = await OpenTimesPage.OpenAsync(visitor.Client, jonas.Slug, "2026-11-09");

        // 09:00 in Berlin (CET, UTC+1) is 17:00 in Tokyo (JST, UTC+9).
        Assert.Equal("17:00 JST", page.SlotTimes[0]);
        Assert.Equal(visitor.Email, page.Document.QuerySelector(".nav-user")!.GetAttribute("title"));
    }

    [Fact]
    public async Task Week_navigation_returns_a_fragment_to_htmx_and_a_page_otherwise()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var client = app.CreateClient();

        var request = new HttpRequestMessage(HttpMethod.Get, $"/specialists/{specialist.Slug}?week=2026-11-09&tz=UTC");
        request.Headers.Add("HX-Request", "true");
        var fragment = await OpenTimesPage.ReadAsync(client, await client.SendAsync(request));
        Assert.Null(fragment.Document.QuerySelector("header.site-header"));
        Assert.Equal("booking-calendar", fragment.Document.Body!.FirstElementChild!.Id);
        Assert.Equal("9 Nov – 15 Nov 2026", fragment.WeekTitle);

        var full = await client.GetPageAsync($"/specialists/{specialist.Slug}?week=2026-11-09&tz=UTC");
        Assert.NotNull(full.QuerySelector("header.site-header"));
        var next = full.QuerySelector("a[rel=next]")!;
        Assert.Contains("week=2026-11-16", next.GetAttribute("href"));
        Assert.Equal("true", next.GetAttribute("hx-push-url"));
    }

    [Theory]
    [InlineData("week=not-a-date")]
    [InlineData("week=1999-01-01")]
    [InlineData("week=2099-01-01")]
    [InlineData("tz=Not%2FA_Zone")]
    public async Task Odd_week_or_zone_values_fall_back_to_sensible_defaults(string query)
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();

        var client = app.CreateClient();
        var response = await client.GetAsync($"/specialists/{specialist.Slug}?{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty((await OpenTimesPage.ReadAsync(client, response)).WeekTitle);
    }

    [Fact]
    public async Task An_unknown_specialist_is_a_friendly_404()
    {
        var response = await app.CreateClient().GetAsync("/specialists/nobody-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Holding_a_slot_creates_a_pending_booking_and_opens_checkout()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();

        var (client, response, slot) = await HoldFirstSlotAsync(specialist);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Matches("^/checkout/[0-9a-f]{32}\\?t=", response.Headers.Location!.OriginalString);
        var (booking, stored) = await app.WithDbAsync(async db => (
            await db.Bookings.AsNoTracking().SingleAsync(b => b.SlotId == slot.Id),
            await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id)));
        Assert.Equal((BookingStatus.Pending, "Asia/Tokyo"), (booking.Status, booking.CustomerTimeZoneId));
        Assert.Equal((SlotState.Held, booking.Id), (stored.State, stored.BookingId));
        Assert.Equal(app.Clock.GetCurrentInstant() + Duration.FromMinutes(15), booking.HoldExpiresAt);

        var checkout = await CheckoutPage.OpenAtAsync(client, response.Headers.Location.OriginalString);
        // Monday 9 Nov 09:00 in New York is 23:00 the same day in Tokyo.
        Assert.Equal("Mon 9 Nov 2026, 23:00 JST (Tokyo)", checkout.CustomerTime);
        Assert.StartsWith("Mon 9 Nov 2026, 09:00 EST (New York)", checkout.SpecialistTime);
        Assert.Contains("Test mode", checkout.TestModeBanner);
    }

    [Fact]
    public async Task A_slot_that_was_just_taken_is_said_on_the_week_page_with_the_nearest_alternatives()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var (_, first, slot) = await HoldFirstSlotAsync(specialist);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        var (client, second, sameSlot) = await HoldFirstSlotAsync(specialist);

        Assert.Equal(slot.Id, sameSlot.Id);
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        var page = await OpenTimesPage.OpenAtAsync(client, second.Headers.Location!.OriginalString);
        Assert.Equal("This time was just taken", page.TakenHeading);
        var alternatives = page.NearestSlotIds;
        Assert.NotEmpty(alternatives);
        Assert.DoesNotContain(slot.Id.ToString(), alternatives);
        Assert.Equal(1, await app.WithDbAsync(db => db.Bookings.CountAsync(b => b.SlotId == slot.Id)));
    }

    [Fact]
    public async Task A_specialist_cannot_book_their_own_time_and_is_pointed_to_their_calendar()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var page = await OpenTimesPage.OpenAsync(specialist.Client, specialist.Slug, "2026-11-09");
        var slot = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0));

        var response = await page.ChooseAsync(slot);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        Assert.Equal("You can't book your own time", refused.QuerySelector("#own-heading").Text());
        Assert.Equal("/specialist/calendar", refused.QuerySelector(".notice a")!.GetAttribute("href"));
        Assert.Equal(0, await app.WithDbAsync(db => db.Bookings.CountAsync(b => b.SlotId == slot.Id)));
        Assert.Equal(SlotState.Available, await app.WithDbAsync(db => db.Slots.Where(s => s.Id == slot.Id).Select(s => s.State).SingleAsync()));
    }

    [Fact]
    public async Task Checkout_refuses_forged_altered_and_foreign_links()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var (client, held, _) = await HoldFirstSlotAsync(specialist);
        var location = held.Headers.Location!.OriginalString;
        var id = CheckoutId().Match(location).Groups[1].Value;
        var token = Uri.UnescapeDataString(location[(location.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);
        var (_, other, _) = await HoldFirstSlotAsync(await app.CreateSpecialistWithSlotsAsync());
        var otherId = CheckoutId().Match(other.Headers.Location!.OriginalString).Groups[1].Value;
        var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/checkout/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/checkout/{id}?t=forged")).StatusCode);
        var altered = token[..^4] + (token.EndsWith("AAAA") ? "BBBB" : "AAAA");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/checkout/{id}?t={Uri.EscapeDataString(altered)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/checkout/{otherId}?t={Uri.EscapeDataString(token)}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/checkout/{id}?t={Uri.EscapeDataString(token)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/bookings/{id}?t={Uri.EscapeDataString(token)}")).StatusCode);
    }

    [Theory]
    [InlineData("", "ana@example.com", "", CheckoutPage.Name, "Enter your name")]
    [InlineData("Ana", "not-an-email", "", CheckoutPage.Email, "valid email")]
    [InlineData("Ana", "ana@example.com", "12345", CheckoutPage.Phone, "international form")]
    public async Task Invalid_guest_details_are_shown_beside_the_field_and_nothing_is_paid(
        string name, string email, string phone, string field, string message)
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var (client, held, slot) = await HoldFirstSlotAsync(specialist);
        var checkout = await CheckoutPage.OpenAtAsync(client, held.Headers.Location!.OriginalString);

        var response = await checkout.SubmitDetailsAsync(name, email, phone);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await CheckoutPage.ReadAsync(client, response)).Error(field));
        Assert.Equal(0, await app.WithDbAsync(db => db.Payments.CountAsync(p => db.Bookings.Any(b => b.Id == p.BookingId && b.SlotId == slot.Id))));
    }

    [Fact]
    public async Task A_guest_pays_after_a_declined_card_and_gets_a_confirmed_booking_with_a_meeting_link()
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var (client, held, slot) = await HoldFirstSlotAsync(specialist);
        var checkout = await CheckoutPage.OpenAtAsync(client, held.Headers.Location!.OriginalString);

        var toCard = await checkout.SubmitDetailsAsync("Aiko Tanaka", "aiko@example.jp", "+81 90 1234 5678", "Series A questions");
        Assert.Equal(HttpStatusCode.Redirect, toCard.StatusCode);
        Assert.Contains("/test-card?t=", toCard.Headers.Location!.OriginalString);

        var cardUrl = toCard.Headers.Location.OriginalString;
        var card = await TestCardPage.OpenAtAsync(client, cardUrl);
        Assert.Contains("TEST MODE", card.TestModeBanner);
        var declined = await card.PayAsync(TestCardPage.DeclinedCard);
        Assert.Equal(HttpStatusCode.BadRequest, declined.StatusCode);
        var declinedPage = await TestCardPage.ReadAsync(client, declined, cardUrl);
        Assert.Equal("Your card was declined. Try another card.", declinedPage.Error(TestCardPage.Number));
        var booking = await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.SlotId == slot.Id));
        Assert.Equal(BookingStatus.Pending, booking.Status);
        Assert.Equal(PaymentStatus.Failed, (await app.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == booking.Id))).Status);

        var paid = await declinedPage.PayWithTestCardAsync();
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        Assert.StartsWith($"/bookings/{booking.Id:N}?t=", paid.Headers.Location!.OriginalString);

        var (confirmed, stored, payment, notifications) = await app.WithDbAsync(async db => (
            await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == booking.Id),
            await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id),
            await db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == booking.Id),
            await db.Notifications.AsNoTracking().Where(n => n.BookingId == booking.Id).ToListAsync()));
        Assert.Equal((BookingStatus.Confirmed, "Aiko Tanaka", "aiko@example.jp", "+819012345678"),
            (confirmed.Status, confirmed.CustomerName, confirmed.CustomerEmail, confirmed.CustomerPhone));
        Assert.Equal(SlotState.Booked, stored.State);
        Assert.Equal((PaymentStatus.Succeeded, 5000L, "EUR"), (payment.Status, payment.AmountMinor, payment.Currency));
        Assert.StartsWith("test_ch_", payment.ChargeId);
        Assert.Matches("^https://meet\\.jit\\.si/Consulting-[0-9a-f]{32}$", confirmed.Meeting!.JoinUrl);
        Assert.Equal([NotificationType.BookingConfirmation, NotificationType.NewBooking, NotificationType.PaymentReceived], notifications.Select(n => n.Type).Order());
        Assert.Equal("aiko@example.jp", notifications.Single(n => n.Type == NotificationType.BookingConfirmation).RecipientEmail);

        var page = await BookingStatusPage.OpenAtAsync(client, paid.Headers.Location.OriginalString);
        Assert.StartsWith("You're booked with", page.StatusHeading);
        Assert.Equal(confirmed.Meeting.JoinUrl, page.MeetingLink);
        Assert.Equal("Mon 9 Nov 2026, 23:00 JST (Tokyo)", page.CustomerTime);
        Assert.StartsWith("Mon 9 Nov 2026, 09:00 EST (New York)", page.SpecialistTime);

        // Paying again (a double submit) changes nothing and lands on the same confirmation.
        var again = await declinedPage.PayWithTestCardAsync();
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.Payments.CountAsync(p => p.BookingId == booking.Id && p.Status == PaymentStatus.Succeeded)));
    }

    [Fact]
    public async Task Checkout_after_the_hold_ended_says_so_and_takes_no_payment()
    {
        using var own = new AppFactory();
        var specialist = await own.CreateSpecialistWithSlotsAsync();
        var client = own.CreateBrowserLikeClient();
        var week = await OpenTimesPage.OpenAsync(client, specialist.Slug, "2026-11-09", "UTC");
        var checkout = await week.HoldAsync(specialist.Slots[5]);

        own.Clock.Advance(Duration.FromMinutes(16));
        var response = await checkout.SubmitDetailsAsync("Late Larry", "larry@example.com");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("Your hold has ended", (await Html.ParseAsync(response)).QuerySelector(".notice-warn h2").Text());
        Assert.Equal(0, await own.WithDbAsync(db => db.Payments.CountAsync()));
    }

    [GeneratedRegex("/checkout/([0-9a-f]{32})")]
    private static partial Regex CheckoutId();
}

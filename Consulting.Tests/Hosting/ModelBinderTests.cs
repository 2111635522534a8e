using System.Net;
using AngleSharp.Html.Dom;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Tests.Hosting;

/// <summary>
/// The date, time, money and zone binders (Hosting/InputBinders.cs) on real pages: text that isn't a
/// value gets the form back with the message beside the field and what was typed still in it, never a 500.
/// </summary>
public sealed class ModelBinderTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private static readonly Dictionary<string, string> Htmx = new() { ["HX-Request"] = "true" };

    private static string? Value(IHtmlDocument page, string selector) =>
        (page.QuerySelector(selector) ?? throw new InvalidOperationException("No " + selector)).GetAttribute("value");

    private Task<AvailabilitySchedule> ScheduleAsync(Guid specialistId) =>
        app.WithDbAsync(db => db.Schedules.AsNoTracking().SingleAsync(s => s.SpecialistId == specialistId));

    private static Task<HttpResponseMessage> SaveSettingsAsync(TestSpecialist me, IHtmlDocument page, Dictionary<string, string> fields,
        IDictionary<string, string>? headers = null) => me.Client.SubmitAsync(page, "#settings form", fields, headers);

    private static Dictionary<string, string> SignUp(string zone, string currency, string price) => new()
    {
        ["Input.DisplayName"] = "Fox Mulder", ["Input.Email"] = AccountPages.UniqueEmail("binder"), ["Input.Password"] = "trust no one 1013",
        ["Input.TimeZoneId"] = zone, ["Input.Currency"] = currency, ["Input.Price"] = price,
    };

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("30/11/2026")]
    [InlineData("99999-01-01")]
    [InlineData("1066-10-14")]
    public async Task A_date_that_isnt_one_keeps_what_was_typed_beside_its_message_and_saves_nothing(string typed)
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");
        var before = (await ScheduleAsync(me.Id)).ActiveFrom;

        var plain = await SaveSettingsAsync(me, page, new() { ["Settings.ActiveFrom"] = typed });
        var htmx = await SaveSettingsAsync(me, page, new() { ["Settings.ActiveFrom"] = typed }, Htmx);

        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, htmx.StatusCode);
        foreach (var refused in new[] { await Html.ParseAsync(plain), await Html.ParseAsync(htmx) })
        {
            Assert.Equal(InputMessages.Date, refused.FieldError("Settings.ActiveFrom"));
            Assert.Equal(typed, Value(refused, "#Settings_ActiveFrom"));
            Assert.Equal("true", refused.QuerySelector("#Settings_ActiveFrom")!.GetAttribute("aria-invalid"));
        }
        Assert.Equal(before, (await ScheduleAsync(me.Id)).ActiveFrom);
    }

    [Fact]
    public async Task An_empty_required_date_says_so()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await SaveSettingsAsync(me, page, new() { ["Settings.ActiveFrom"] = " " });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(InputMessages.DateMissing, (await Html.ParseAsync(response)).FieldError("Settings.ActiveFrom"));
    }

    [Fact]
    public async Task A_time_that_isnt_one_stays_in_its_days_field_and_the_end_of_day_keeps_its_24_00()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await me.Client.SubmitAsync(page, "#day-monday form.add-window", new Dictionary<string, string>
        {
            ["Window.Start"] = "9h30", ["Window.End"] = "24:00", ["Window.SlotMinutes"] = "60",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        Assert.Equal("Enter a time like 09:30.", refused.FieldError("Window.Start"));
        Assert.Equal("9h30", Value(refused, "#day-monday-start"));
        // The end was fine: shown as the end of the day, not as the next day's 00:00.
        Assert.Equal("24:00", Value(refused, "#day-monday-end"));
        // The other days' forms share the field names but not what was typed into Monday's.
        Assert.Null(Value(refused, "#day-tuesday-start"));
        Assert.Empty((await ScheduleAsync(me.Id)).Windows);
    }

    [Fact]
    public async Task A_day_off_exception_ignores_whatever_its_hidden_window_fields_hold()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await me.Client.SubmitAsync(page, "#exceptions form.exception-form", new Dictionary<string, string>
        {
            ["NewException.Date"] = "2026-12-24", ["NewException.Kind"] = "off", ["NewException.Windows[0].Start"] = "noon",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var exception = Assert.Single((await ScheduleAsync(me.Id)).Exceptions);
        Assert.Equal((new LocalDate(2026, 12, 24), false), (exception.Date, exception.IsAvailable));
    }

    [Fact]
    public async Task An_exception_date_that_isnt_one_keeps_what_was_typed()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await me.Client.SubmitAsync(page, "#exceptions form.exception-form",
            new Dictionary<string, string> { ["NewException.Date"] = "next friday", ["NewException.Kind"] = "off" }, Htmx);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        Assert.Equal(InputMessages.Date, refused.FieldError("NewException.Date"));
        Assert.Equal("next friday", Value(refused, "#NewException_Date"));
        Assert.Empty((await ScheduleAsync(me.Id)).Exceptions);
    }

    [Theory]
    [InlineData("EUR", "12,50")]
    [InlineData("EUR", "12.345")]
    [InlineData("JPY", "1500.5")]
    [InlineData("EUR", "-5")]
    [InlineData("EUR", "99999999999999999999")]
    public async Task A_price_that_isnt_one_in_its_currency_keeps_what_was_typed(string currency, string typed)
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await SaveSettingsAsync(me, page, new() { ["Settings.Currency"] = currency, ["Settings.Price"] = typed });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        Assert.Equal(InputMessages.Price, refused.FieldError("Settings.Price"));
        Assert.Equal(typed, Value(refused, "#Settings_Price"));
        Assert.Equal(50_00, (await ScheduleAsync(me.Id)).DefaultPriceMinor);
    }

    [Fact]
    public async Task A_price_in_a_currency_without_cents_is_read_in_that_currency()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await SaveSettingsAsync(me, page, new() { ["Settings.Currency"] = "JPY", ["Settings.Price"] = "1500" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var schedule = await ScheduleAsync(me.Id);
        Assert.Equal(("JPY", 1500L), (schedule.Currency, schedule.DefaultPriceMinor));
        Assert.Equal("1500", Value(await me.Client.GetPageAsync("/specialist/availability"), "#Settings_Price"));
    }

    [Fact]
    public async Task An_unlisted_currency_is_the_currency_fields_message_not_the_prices()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var response = await SaveSettingsAsync(me, page, new() { ["Settings.Currency"] = "XYZ", ["Settings.Price"] = "40" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        Assert.Equal(InputMessages.Currency, refused.FieldError("Settings.Currency"));
        Assert.Equal("", refused.FieldError("Settings.Price"));
    }

    [Fact]
    public async Task An_unknown_zone_keeps_what_was_typed_and_a_city_is_shown_as_its_zone()
    {
        var me = await app.CreateSignedInAsync();
        var page = await me.Client.GetPageAsync("/specialist/availability");

        var unknown = await Html.ParseAsync(await SaveSettingsAsync(me, page, new() { ["Settings.TimeZoneId"] = "Mars/Olympus_Mons" }));
        // A zone that was fine beside another field's mistake comes back as the zone it was read as.
        var city = await Html.ParseAsync(await SaveSettingsAsync(me, page,
            new() { ["Settings.TimeZoneId"] = "tokyo", ["Settings.BufferMinutes"] = "ten" }));

        Assert.StartsWith(TimeZones.UnknownMessage("Mars/Olympus_Mons"), unknown.FieldError("Settings.TimeZoneId"));
        Assert.Equal("Mars/Olympus_Mons", Value(unknown, "#Settings_TimeZoneId"));
        Assert.Equal("", city.FieldError("Settings.TimeZoneId"));
        Assert.Equal("Asia/Tokyo", Value(city, "#Settings_TimeZoneId"));
        Assert.Equal("Europe/Madrid", (await ScheduleAsync(me.Id)).TimeZoneId);
    }

    [Fact]
    public async Task The_sign_up_form_keeps_a_bad_price_and_an_unknown_zone_as_typed()
    {
        var client = app.CreateBrowserLikeClient();
        var page = await client.GetPageAsync("/account/specialist-sign-up");

        var response = await client.SubmitAsync(page, "main form", SignUp("Atlantis/Lost", "EUR", "12,50"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        Assert.Equal(InputMessages.Price, refused.FieldError("Input.Price"));
        Assert.Equal("12,50", Value(refused, "#Input_Price"));
        Assert.StartsWith(TimeZones.UnknownMessage("Atlantis/Lost"), refused.FieldError("Input.TimeZoneId"));
        Assert.Equal("Atlantis/Lost", Value(refused, "#Input_TimeZoneId"));
    }

    [Theory]
    [InlineData("EUR", "", "Input.Price", InputMessages.PriceMissing, "Input.Currency", "")]
    [InlineData("XYZ", "", "Input.Price", InputMessages.PriceMissing, "Input.Currency", InputMessages.Currency)]
    // An amount left unread because its currency is wrong isn't called missing or wrong.
    [InlineData("XYZ", "100", "Input.Currency", InputMessages.Currency, "Input.Price", "")]
    public async Task A_price_and_its_currency_each_get_their_own_message(string currency, string price,
        string field, string message, string otherField, string otherMessage)
    {
        var client = app.CreateBrowserLikeClient();
        var page = await client.GetPageAsync("/account/specialist-sign-up");

        var response = await client.SubmitAsync(page, "main form", SignUp("Europe/Berlin", currency, price));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        Assert.Equal(message, refused.FieldError(field));
        Assert.Equal(otherMessage, refused.FieldError(otherField));
    }

    [Fact]
    public async Task The_find_filters_keep_a_bad_date_and_amount_as_typed()
    {
        var response = await app.CreateBrowserLikeClient().GetAsync("/find?From=someday&To=2026-12-01&MaxPrice=lots&Currency=EUR");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await Html.ParseAsync(response);
        Assert.Equal(InputMessages.Date, refused.FieldError("From"));
        Assert.Equal(InputMessages.Amount, refused.FieldError("MaxPrice"));
        Assert.Equal(("someday", "2026-12-01", "lots"), (Value(refused, "#From"), Value(refused, "#To"), Value(refused, "#MaxPrice")));
    }

    [Theory]
    [InlineData("junk")]
    [InlineData("2026-02-30")]
    [InlineData("99999-01-01")]
    public async Task A_week_that_isnt_a_date_shows_the_current_week(string week)
    {
        var me = await app.CreateSignedInAsync();
        var slug = await app.WithDbAsync(db => db.Specialists.Where(p => p.Id == me.Id).Select(p => p.Slug).SingleAsync());

        var response = await app.CreateBrowserLikeClient().GetAsync($"/specialists/{slug}?week={Uri.EscapeDataString(week)}");
        var current = await app.CreateBrowserLikeClient().GetPageAsync($"/specialists/{slug}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(current.QuerySelector("#week-title").Text(), (await Html.ParseAsync(response)).QuerySelector("#week-title").Text());
    }
}

using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Hosting;

/// <summary>
/// Requests a black-box pass answered with a 500, each now a clear 4xx (or the normal page). Over a
/// real socket: Kestrel, unlike the in-memory test server, refuses a header it can't carry.
/// </summary>
public sealed class HostileRequestTests : IAsyncLifetime
{
    private readonly AppFactory _app = new();
    private BookableSpecialist _specialist = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        _app.StartKestrel();
        _specialist = await _app.CreateSpecialistWithSlotsAsync();
        _anonymous = _app.CreateBrowserLikeClient();
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Other_methods_on_pages_get_405_with_the_methods_allowed_and_a_page_saying_so(string method)
    {
        foreach (var path in new[] { "/", $"/specialists/{_specialist.Slug}", $"/checkout/{Guid.NewGuid():N}", "/account/sign-in", "/specialist/availability" })
        {
            var response = await _anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

            Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Contains("GET", response.Content.Headers.Allow);
            Assert.Equal("That action isn't available here", (await Html.ParseAsync(response)).QuerySelector("h1").Text());
        }
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("1")]
    [InlineData("true\u0000")]
    public async Task A_checkbox_value_that_is_not_true_or_false_is_refused_beside_the_form(string value)
    {
        var page = await _anonymous.GetPageAsync("/account/sign-in");

        var response = await _anonymous.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.Email"] = _specialist.Email, ["Input.Password"] = "wrong password", ["Input.RememberMe"] = value,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var form = await Html.ParseAsync(response);
        Assert.NotNull(form.QuerySelector("main form input[name='Input.RememberMe']"));
    }

    [Theory]
    [InlineData("/specialists/{slug}?week=-9998-01-01")]
    [InlineData("/specialists/{slug}?week=9999-12-31")]
    [InlineData("/find?From=9999-12-31&To=9999-12-31")]
    [InlineData("/find?From=-9998-01-01")]
    [InlineData("/specialists/{slug}?week=2026-02-30")]
    public async Task Out_of_range_dates_in_the_query_fall_back_or_are_refused_never_500(string url)
    {
        var response = await _anonymous.GetAsync(url.Replace("{slug}", _specialist.Slug));

        Assert.True((int)response.StatusCode < 500, $"{url}: {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("/specialist/bookings?From=9999-12-31&To=-9998-01-01")]
    [InlineData("/specialist/calendar?year=9999&month=12")]
    public async Task Out_of_range_dates_on_the_specialists_pages_are_refused_never_500(string url)
    {
        var response = await _specialist.Client.GetAsync(url);

        Assert.True((int)response.StatusCode is >= 200 and < 500, $"{url}: {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("/bookings/é?x=ü", "/bookings/%C3%A9?x=%C3%BC")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    public async Task A_non_ASCII_or_absolute_ReturnUrl_signs_in_and_lands_on_our_own_site(string returnUrl, string expected)
    {
        var customer = await _app.CreateCustomerAsync();
        var client = _app.CreateBrowserLikeClient();
        var page = await client.GetPageAsync("/account/sign-in?ReturnUrl=" + Uri.EscapeDataString(returnUrl));

        var response = await client.SubmitAsync(page, "main form", new Dictionary<string, string>
        {
            ["Input.Email"] = customer.Email, ["Input.Password"] = CustomerAccounts.Password,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_add_date_exception_that_loses_a_race_with_the_same_change_is_applied_again_not_a_500()
    {
        var date = new LocalDate(2026, 12, 24);
        var raced = false;
        await using var scope = _app.Services.CreateAsyncScope();
        var editor = scope.ServiceProvider.GetRequiredService<AvailabilityEditor>();

        // The double click's first request saves between this one's read and its write.
        var result = await editor.EditAsync(_specialist.Id, (schedule, now) =>
        {
            if (!raced)
            {
                raced = true;
                using var other = _app.Services.CreateScope();
                other.ServiceProvider.GetRequiredService<AvailabilityEditor>()
                    .EditAsync(_specialist.Id, (s, n) => s.SetException(date, false, [], "Holiday", n), CancellationToken.None).GetAwaiter().GetResult();
            }
            schedule.SetException(date, false, [], "Holiday", now);
        }, CancellationToken.None);

        Assert.True(result.Succeeded);
        var exceptions = await _app.WithDbAsync(db => db.Schedules.AsNoTracking()
            .Where(s => s.SpecialistId == _specialist.Id).SelectMany(s => s.Exceptions).ToListAsync());
        var holiday = Assert.Single(exceptions, e => e.Date == date);
        Assert.False(holiday.IsAvailable);
    }
}

using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.Playwright;

namespace Consulting.Tests.Browser;

/// <summary>Signed-in pages render in Chromium without console errors (CSP included), with and without JavaScript.</summary>
[Collection(BrowserCollection.Name)]
[ProviderIndependent]
public sealed class PageTourBrowserTests(BrowserFixture browser)
{
    private static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(DemoData.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator(".nav-user")).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData("maya@consulting.test", "/specialist/feed", "Your calendar feed")]
    [InlineData("maya@consulting.test", "/notifications", "Notifications")]
    [InlineData("maya@consulting.test", "/specialist/bookings", "Your bookings")]
    [InlineData("admin@consulting.test", "/admin/payments", "Payments")]
    [InlineData("admin@consulting.test", "/admin/notifications", "Failed notifications")]
    [InlineData("admin@consulting.test", "/admin/bookings", "Bookings")]
    [InlineData("admin@consulting.test", "/admin/reviews", "Reviews")]
    [InlineData("customer@consulting.test", "/find", "Find a time")]
    [InlineData("customer@consulting.test", "/bookings", "My bookings")]
    public async Task Signed_in_pages_render_without_console_errors(string email, string path, string heading)
    {
        await browser.App.RunDueGenerationAsync();
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        await SignInAsync(page, email);

        var response = await page.GotoAsync(path);

        Assert.Equal(200, response?.Status);
        await Assertions.Expect(page.Locator("h1").First).ToContainTextAsync(heading);
        Assert.Empty(errors);
        await BrowserFixture.ScreenshotAsync(page, "tour" + path.Replace('/', '-'));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_admin_opens_a_demo_booking_from_the_list_and_sees_its_whole_story(bool javaScript)
    {
        await browser.App.RunDueGenerationAsync();
        var page = await browser.NewPageAsync(javaScript);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await SignInAsync(page, DemoData.AdminEmail);
        await page.GotoAsync("/admin/bookings?Status=Completed");

        await page.Locator("tbody tr a").First.ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(" with ");
        await Assertions.Expect(page.Locator(".page-head .badge")).ToHaveTextAsync("completed");
        await Assertions.Expect(page.Locator(".history .badge")).ToHaveTextAsync(["pending", "confirmed", "completed"]);
        await Assertions.Expect(page.Locator("tr[data-payment-id] .badge").First).ToHaveTextAsync("Succeeded");
        Assert.Empty(errors);
        await BrowserFixture.ScreenshotAsync(page, $"tour-admin-booking-js-{javaScript}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_specialist_choosing_one_of_their_own_times_is_told_why_and_where_to_block_it(bool javaScript)
    {
        await browser.App.RunDueGenerationAsync();
        var page = await browser.NewPageAsync(javaScript);
        await SignInAsync(page, "maya@consulting.test");
        var week = await OpenTimesBrowserPage.OpenAsync(page, "maya-thompson");

        await week.ChooseFirstOpenSlotAsync();

        await Assertions.Expect(page.Locator("#own-heading")).ToHaveTextAsync("You can't book your own time");
        await Assertions.Expect(page.Locator(".notice a[href='/specialist/calendar']")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, $"own-time-js-{javaScript}");
    }
}

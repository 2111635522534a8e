using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Hosting;
using Microsoft.Playwright;

namespace Consulting.Tests.Browser;

[ProviderIndependent]
[Collection(BrowserCollection.Name)]
public sealed class HomePageBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Home_page_renders_the_directory_in_chromium_with_htmx_loaded_and_no_console_errors()
    {
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        page.Response += (_, r) => { if (r.Status >= 400) errors.Add($"{r.Status} {r.Url}"); };

        var response = await page.GotoAsync("/");

        Assert.Equal(200, response?.Status);
        var names = await page.Locator(".specialist-name").AllInnerTextsAsync();
        // Every demo specialist, in name order (other browser tests in this shared app may add their own).
        var demo = DemoData.Specialists.Select(s => s.Name).ToHashSet();
        Assert.Equal(demo.Order(), names.Where(demo.Contains));
        Assert.Equal("2.0.11", await page.EvaluateAsync<string>("() => htmx.version"));
        // site.js stores the browser's zone for the server to show times in.
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "tz" && Uri.UnescapeDataString(c.Value) == "Europe/Madrid");
        Assert.Empty(errors);

        var shot = await BrowserFixture.ScreenshotAsync(page, "home");
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot should show a rendered page");
    }

    [Fact]
    public async Task A_visitor_signs_up_in_chromium_without_javascript()
    {
        var page = await browser.NewPageAsync(javaScript: false);
        await page.GotoAsync("/account/sign-up");

        var email = AccountPages.UniqueEmail("nora");
        await page.GetByLabel("Your name").FillAsync("Nora Noscript");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("no javascript needed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Check your email");
        await BrowserFixture.ScreenshotAsync(page, "check-email-no-js");
        await page.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("no javascript needed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator(".nav-user")).ToHaveTextAsync("Nora Noscript");
        await BrowserFixture.ScreenshotAsync(page, "signed-up-no-js");
    }
}

using Consulting.Tests.Support;
using Consulting.Web.Hosting;
using Microsoft.Playwright;

namespace Consulting.Tests.Browser;

/// <summary>The header navigation on a phone: a "Menu" disclosure (a &lt;details&gt;), inline links on wide screens.</summary>
[ProviderIndependent]
[Collection(BrowserCollection.Name)]
public sealed class HeaderMenuBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task On_a_phone_the_header_links_open_from_a_menu_with_the_keyboard_and_nothing_scrolls_sideways(bool javaScript)
    {
        var page = await browser.NewPageAsync();
        // "Off" as the accessibility tour does it: the page's own scripts refused (axe still runs).
        if (!javaScript) await page.Context.RouteAsync(new System.Text.RegularExpressions.Regex(@"\.js(\?|$)"), route => route.AbortAsync());
        await BrowserFixture.SignInAsync(page, DemoData.AdminEmail, DemoData.Password);
        await page.SetViewportSizeAsync(PageChecks.PhoneWidth, 844);
        await page.GotoAsync("/");

        var menu = page.Locator("summary.nav-menu-button");
        await Assertions.Expect(menu).ToBeVisibleAsync();
        await Assertions.Expect(menu).ToHaveTextAsync("Menu");
        await Assertions.Expect(page.Locator(".nav-links")).Not.ToBeVisibleAsync();
        Assert.Empty(await PageChecks.PhoneOverflowAsync(page));
        await BrowserFixture.ScreenshotAsync(page, $"header-menu-390-closed-js-{javaScript}");

        // Tab past the skip link and the brand to "Menu"; Enter opens it; the links follow it in tab order.
        await BrowserFixture.TabToAsync(page, "summary.nav-menu-button");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("details.nav-menu")).ToHaveAttributeAsync("open", "");
        await Assertions.Expect(page.Locator(".nav-links")).ToBeVisibleAsync();
        var links = page.Locator(".nav-links > li > a");
        foreach (var link in await links.AllAsync()) await Assertions.Expect(link).ToBeInViewportAsync();
        Assert.Empty(await PageChecks.PhoneOverflowAsync(page));
        Assert.Empty(await PageChecks.AxeViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, $"header-menu-390-open-js-{javaScript}");

        // The nested Admin menu opens from the keyboard too, and its links lie inside the screen.
        await BrowserFixture.TabToAsync(page, ".nav-admin summary");
        await page.Keyboard.PressAsync("Enter");
        var failed = page.GetByRole(AriaRole.Link, new() { Name = "Failed messages" });
        await Assertions.Expect(failed).ToBeInViewportAsync();
        Assert.Empty(await PageChecks.PhoneOverflowAsync(page));
        await BrowserFixture.TabToAsync(page, "a[href='/admin/payments']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/payments$"));
        // A new page starts with the menu folded.
        await Assertions.Expect(page.Locator(".nav-links")).Not.ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_wide_screen_the_links_show_inline_without_a_menu_button_and_take_the_focus()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");

        await Assertions.Expect(page.Locator("summary.nav-menu-button")).Not.ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Find a time" })).ToBeVisibleAsync();
        await BrowserFixture.TabToAsync(page, "a[href='/find']");
        Assert.Empty(await PageChecks.AxeViolationsAsync(page));
        await BrowserFixture.ScreenshotAsync(page, "header-menu-1280");
        await page.Context.CloseAsync();
    }
}

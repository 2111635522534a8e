using System.Text.RegularExpressions;
using Consulting.Tests.Authorization;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Consulting.Tests.Browser;

/// <summary>
/// Every page of the app (every Razor Page GET, from the endpoint list, so a new page is toured
/// without asking) opened in Chromium signed out and as a customer, a specialist and the admin,
/// with JavaScript on and off: no axe-core violation (WCAG 2.1 A/AA), no Nu HTML checker error but
/// htmx's attributes, no sideways scrolling at 390 px. Markup, not SQL: SQLite pass only.
/// </summary>
[Collection(BrowserTourCollection.Name)]
[ProviderIndependent]
public sealed class AccessibilityTourTests(BrowserFixture browser)
{
    public enum Role { SignedOut, Customer, Specialist, Admin }

    private const string Slug = "maya-thompson";

    /// <summary>GET pages that are fragments for htmx, not documents a visitor opens.</summary>
    private static readonly HashSet<string> Fragments = ["/zones/options"];

    /// <summary>Pages photographed at 1280 and 390 px for people to look at (TestResults/screenshots/a11y-*).</summary>
    private static readonly HashSet<string> Photographed =
    [
        "/", "/find", "/specialists/{slug}", "/checkout/{id:guid}", "/checkout/{id:guid}/test-card", "/bookings", "/bookings/{id:guid}",
        "/specialist/availability", "/specialist/calendar", "/specialist/bookings", "/admin/bookings", "/admin/payments", "/account/sign-up",
    ];

    private static readonly SemaphoreSlim WorldLock = new(1, 1);
    private static (AppFactory App, World World)? _world;

    /// <summary>The customer of the tour and their bookings with Maya (demo data): held, awaiting the card, confirmed.</summary>
    private sealed record World(string CustomerEmail, Guid Held, Guid AwaitingCard, Guid Confirmed);

    private async Task<World> WorldAsync()
    {
        await WorldLock.WaitAsync();
        try
        {
            if (_world is { } made && made.App == browser.App) return made.World;
            await browser.App.RunDueGenerationAsync();
            var customer = await browser.App.CreateCustomerAsync("Tess Tour", "Europe/Madrid");
            var now = browser.App.Clock.GetCurrentInstant();
            var maya = await browser.App.WithDbAsync(db => db.Specialists.Where(s => s.Slug == Slug).Select(s => s.Id).SingleAsync());
            var slots = await browser.App.WithDbAsync(db => db.Slots.AsNoTracking()
                .Where(s => s.SpecialistId == maya && s.State == SlotState.Available && s.Start > now + NodaTime.Duration.FromDays(2))
                .OrderBy(s => s.Start).Take(3).ToListAsync());
            var world = new World(customer.Email,
                (await browser.App.HeldBookingAsync(slots[0], "Europe/Madrid", customer)).Id,
                (await browser.App.AwaitingPaymentAsync(slots[1], "Europe/Madrid", customer: customer)).Id,
                (await browser.App.ConfirmedBookingAsync(slots[2], "Europe/Madrid", customer: customer)).Id);
            _world = (browser.App, world);
            return world;
        }
        finally
        {
            WorldLock.Release();
        }
    }

    /// <summary>Route values for a page: the booking a page about a booking needs, Maya's profile, a status code.</summary>
    private static Dictionary<string, string> RouteValues(AppEndpoint endpoint, World world) => endpoint.Route.Parameters.ToDictionary(p => p.Name, p => p.Name switch
    {
        "slug" => Slug,
        "code" => "404",
        "name" => "",
        "id" when endpoint.Path == "/checkout/{id:guid}" => world.Held.ToString(),
        "id" when endpoint.Path == "/checkout/{id:guid}/test-card" => world.AwaitingCard.ToString(),
        "id" => world.Confirmed.ToString(),
        var other => throw new InvalidOperationException(
            $"{endpoint.Key}: the tour has no value for route parameter '{other}'; add one to {nameof(AccessibilityTourTests)}.{nameof(RouteValues)}."),
    });

    /// <summary>
    /// One browser context per role, signed in once, touring every page with JavaScript on and then
    /// off (its scripts refused); the JavaScript-off HTML of every role checked in one Nu run (the
    /// checker's Java start-up is most of its time).
    /// </summary>
    [Fact]
    public async Task Every_page_as_every_role_has_no_axe_violation_no_markup_error_and_fits_a_phone()
    {
        var world = await WorldAsync();
        var endpoints = await AppEndpoints.ListAsync(browser.App.Services);
        var pages = endpoints.Where(e => e.IsPage && e.Method == "GET" && e.Handler is null && !Fragments.Contains(e.Path)).ToList();
        Assert.NotEmpty(pages);

        var htmlRoot = Path.Combine(BrowserFixture.ScreenshotDirectory, "..", "html");
        if (Directory.Exists(htmlRoot)) Directory.Delete(htmlRoot, recursive: true);
        var problems = new List<string>();
        foreach (var role in Enum.GetValues<Role>())
        {
            var page = await browser.NewPageAsync();
            switch (role)
            {
                case Role.Customer: await BrowserFixture.SignInAsync(page, world.CustomerEmail, CustomerAccounts.Password); break;
                case Role.Specialist: await BrowserFixture.SignInAsync(page, "maya@consulting.test", DemoData.Password); break;
                case Role.Admin: await BrowserFixture.SignInAsync(page, DemoData.AdminEmail, DemoData.Password); break;
            }
            var htmlFolder = Directory.CreateDirectory(Path.Combine(htmlRoot, $"{role}")).FullName;
            foreach (var javaScript in new[] { true, false })
            {
                // axe needs JavaScript: "off" is the page with its own scripts refused, as a browser without JavaScript renders it.
                // Without JavaScript nothing detected the zone: forget what site.js stored in the JavaScript pass.
                if (!javaScript)
                {
                    await page.Context.RouteAsync(new Regex(@"\.js(\?|$)"), route => route.AbortAsync());
                    await page.Context.ClearCookiesAsync(new() { Name = "tz" });
                }
                var toured = await TourAsync(page, pages, world, role, javaScript, htmlFolder, problems);
                Assert.True(toured >= 5, $"only {toured} pages toured as {role}, JavaScript {(javaScript ? "on" : "off")}");
            }
            await page.Context.CloseAsync();
        }
        problems.AddRange((await PageChecks.NuErrorsAsync(Directory.GetFiles(htmlRoot, "*.html", SearchOption.AllDirectories)))
            .Select(e => $"Nu: {e}"));

        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n" + string.Join("\n", problems));
    }

    /// <summary>Opens every page in <paramref name="page"/>'s context, adding what axe (and at 390 px, the overflow check) finds to <paramref name="problems"/>.</summary>
    /// <returns>How many pages were checked.</returns>
    private static async Task<int> TourAsync(IPage page, IReadOnlyList<AppEndpoint> pages, World world, Role role, bool javaScript,
        string htmlFolder, List<string> problems)
    {
        var errorStatusesSeen = new HashSet<int>();
        var toured = 0;
        foreach (var endpoint in pages)
        {
            var url = endpoint.PathFor(RouteValues(endpoint, world));
            var response = await page.GotoAsync(url);
            var status = response?.Status ?? 0;
            // A redirect lands on a page the tour opens in its own right (sign in, home).
            if (new Uri(page.Url).AbsolutePath != url) continue;
            // One refusal page of each kind is enough.
            if (status >= 400 && !errorStatusesSeen.Add(status)) continue;
            // htmx marks an element while its request runs (the zone list loads after the page).
            if (javaScript) await page.WaitForFunctionAsync("() => window.htmx && !document.querySelector('.htmx-request')");
            toured++;
            var where = $"{role}, JavaScript {(javaScript ? "on" : "off")}: {url} ({status})";
            problems.AddRange((await PageChecks.AxeViolationsAsync(page)).Select(v => $"{where} axe: {v}"));
            if (javaScript)
            {
                problems.AddRange((await PageChecks.PhoneOverflowAsync(page)).Select(v => $"{where} at {PageChecks.PhoneWidth} px: {v}"));
                if (Photographed.Contains(endpoint.Path) && status < 400)
                {
                    var name = $"a11y-{role}{Regex.Replace(endpoint.Path, "[^a-z]+", "-").TrimEnd('-')}".ToLowerInvariant();
                    await BrowserFixture.ScreenshotAsync(page, name + "-1280");
                    await page.SetViewportSizeAsync(PageChecks.PhoneWidth, 844);
                    await BrowserFixture.ScreenshotAsync(page, name + "-390");
                    await page.SetViewportSizeAsync(1280, 900);
                }
            }
            else if (response is not null)
            {
                // The server's own text (the DOM would hide source errors): the document's response, not asked again.
                var file = Regex.Replace(url.Trim('/'), "[^A-Za-z0-9]+", "-");
                await File.WriteAllTextAsync(Path.Combine(htmlFolder, (file.Length == 0 ? "home" : file) + ".html"), await response.TextAsync());
            }
        }
        return toured;
    }

    [Fact]
    public async Task A_guest_books_and_pays_with_the_keyboard_alone()
    {
        await browser.App.RunDueGenerationAsync();
        var page = await browser.NewPageAsync();
        var week = await OpenTimesBrowserPage.OpenAsync(page, Slug);

        await BrowserFixture.TabToAsync(page, OpenTimesBrowserPage.NextWeekLink);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(week.WeekTitle).ToHaveTextAsync("9 Nov – 15 Nov 2026");
        // htmx swapped the week: the link used keeps the focus (wwwroot/js/focus.js) and the new week is read out.
        await page.WaitForFunctionAsync("s => document.activeElement.matches(s)", OpenTimesBrowserPage.NextWeekLink, new() { Timeout = 5000 });
        await Assertions.Expect(page.Locator("#live-announcer")).ToHaveTextAsync("9 Nov – 15 Nov 2026");
        await BrowserFixture.TabToAsync(page, OpenTimesBrowserPage.SlotButton);
        var chosenTime = await page.EvaluateAsync<string>("() => document.activeElement.querySelector('.slot-time').textContent.trim().split(' ')[0]");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/checkout/[0-9a-f]{32}"));
        await BrowserFixture.TabToAsync(page, CheckoutBrowserPage.NameField);
        await page.Keyboard.TypeAsync("Kim Keys");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(AccountPages.UniqueEmail("keys"));
        await BrowserFixture.TabToAsync(page, "button[type=submit]:not(.link-button)");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/test-card"));
        await BrowserFixture.TabToAsync(page, CheckoutBrowserPage.CardNumberField);
        await page.Keyboard.TypeAsync("4242424242424242");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("12/34");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("123");
        await page.Keyboard.PressAsync("Enter");

        var booked = new CheckoutBrowserPage(page);
        await Assertions.Expect(booked.StatusHeading).ToHaveTextAsync("You're booked with Maya Thompson");
        Assert.Contains(chosenTime, await booked.CustomerTime.InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, "a11y-keyboard-booked");
    }
}

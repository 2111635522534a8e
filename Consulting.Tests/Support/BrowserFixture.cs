using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Consulting.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright against the app served by Kestrel on 127.0.0.1.
/// Never downloads a browser: the executable path is fixed.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Demo data, and background jobs on: pages that poll for a job's result see it finish.</summary>
    /// <summary>Calendar addresses on loopback are allowed: the busy-time test serves its .ics files there.</summary>
    public AppFactory App { get; } = new()
    {
        SeedDemoData = true, RunJobsInBackground = true,
        TestServices = s => s.Configure<Consulting.Web.Calendar.ExternalCalendarOptions>(o => o.AllowPrivateAddresses = true),
    };
    public string BaseUrl { get; private set; } = "";

    /// <summary>Where screenshots go (TestResults/screenshots under the repository, or SCREENSHOT_DIR).</summary>
    public static string ScreenshotDirectory { get; } = Environment.GetEnvironmentVariable("SCREENSHOT_DIR")
        ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "TestResults", "screenshots"));

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (the README's test command does).");
        BaseUrl = App.StartKestrel();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser context (own cookies) and page.</summary>
    public async Task<IPage> NewPageAsync(bool javaScript = true, string timeZone = "Europe/Madrid")
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            JavaScriptEnabled = javaScript,
            TimezoneId = timeZone,
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the sign-in form, as a visitor would.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator(".nav-user")).ToBeVisibleAsync();
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/> (as a keyboard user would).</summary>
    public static async Task TabToAsync(IPage page, string selector, int most = 150)
    {
        for (var i = 0; i < most; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector)) return;
        }
        Assert.Fail($"{selector} never took the focus after {most} presses of Tab on {page.Url}");
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// The accessibility tour's own app host and Chromium: the longest browser test, run beside the
/// other browser tests instead of after them (a collection runs its tests one at a time).
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserTourCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser-tour";
}

using Consulting.Tests.Support;
using Microsoft.Playwright;
using MimeKit;

namespace Consulting.Tests.Browser;

/// <summary>The account pages in Chromium, with and without JavaScript: a reset from the emailed link, and the settings.</summary>
[ProviderIndependent]
[Collection(BrowserCollection.Name)]
public sealed class AccountBrowserTests(BrowserFixture browser)
{
    /// <summary>The emailed link (as a path) of the message with this subject in the app's pickup folder; the email is screenshot too.</summary>
    private async Task<string> MailedLinkAsync(string to, string subject)
    {
        var message = await MailedAsync(to, subject);
        var preview = await browser.NewPageAsync(javaScript: false);
        await preview.SetContentAsync(message.HtmlBody ?? "");
        await BrowserFixture.ScreenshotAsync(preview, "email-" + subject.ToLowerInvariant().Replace(' ', '-'));
        await preview.Context.CloseAsync();
        return await message.ButtonLinkAsync();
    }

    private async Task<MimeMessage> MailedAsync(string to, string subject)
    {
        await browser.App.SendOutboxAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            foreach (var file in Directory.Exists(browser.App.MailDirectory) ? Directory.GetFiles(browser.App.MailDirectory, "*.eml") : [])
            {
                var message = await MimeMessage.LoadAsync(file);
                if (message.Subject == subject && message.To.Mailboxes.Any(m => m.Address == to)) return message;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No '{subject}' email to {to}.");
            await Task.Delay(100);
        }
    }

    private static List<string> WatchErrors(IPage page)
    {
        var errors = new List<string>();
        // A refused form answers 400 on purpose, which Chromium logs as a failed load.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("status of 400", StringComparison.Ordinal)) errors.Add(message.Text);
        };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_forgotten_password_is_reset_from_the_emailed_link(bool javaScript)
    {
        var customer = await browser.App.CreateCustomerAsync("Rita Reset");
        var page = await browser.NewPageAsync(javaScript);
        var errors = WatchErrors(page);

        await page.GotoAsync("/account/sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(customer.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-section=sent] h2")).ToHaveTextAsync("Check your email");
        await BrowserFixture.ScreenshotAsync(page, $"forgot-password-sent-js-{javaScript}");

        await page.GotoAsync(await MailedLinkAsync(customer.Email, "Reset your password"));
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("a fresh start 2026");
        await page.GetByLabel("New password again").FillAsync("a different one");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-valmsg-for='Input.ConfirmPassword']"))
            .ToHaveTextAsync("The two passwords don't match.");
        await BrowserFixture.ScreenshotAsync(page, $"reset-password-error-js-{javaScript}");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("a fresh start 2026");
        await page.GetByLabel("New password again").FillAsync("a fresh start 2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and sign in" }).ClickAsync();

        await Assertions.Expect(page.Locator(".nav-user")).ToHaveTextAsync("Rita Reset");
        await Assertions.Expect(page.Locator(".flash")).ToHaveTextAsync("Your password is changed, and you're signed in.");
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Account_settings_save_a_zone_from_the_picker_and_lead_to_deletion(bool javaScript)
    {
        var customer = await browser.App.CreateCustomerAsync("Sam Settings", zone: "Asia/Tokyo");
        var page = await browser.NewPageAsync(javaScript);
        var errors = WatchErrors(page);
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("Email").FillAsync(customer.Email);
        await page.GetByLabel("Password").FillAsync(CustomerAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.Locator(".nav-user a").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Account settings");
        if (javaScript) await Assertions.Expect(page.Locator("#zone-list option[value='America/Chicago']")).ToHaveCountAsync(1);
        await page.GetByLabel("Mobile phone").FillAsync("+1 312 555 0100");
        await page.GetByLabel("Time zone").FillAsync("America/Chicago");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save details" }).ClickAsync();

        await Assertions.Expect(page.Locator(".flash")).ToHaveTextAsync("Your details are saved. Your upcoming bookings use them too.");
        await Assertions.Expect(page.GetByLabel("Time zone")).ToHaveValueAsync("America/Chicago");
        await Assertions.Expect(page.GetByLabel("Mobile phone")).ToHaveValueAsync("+13125550100");
        await BrowserFixture.ScreenshotAsync(page, $"account-settings-js-{javaScript}");
        // Usable on a phone: nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.ScreenshotAsync(page, $"account-settings-390-js-{javaScript}");
        var tooWide = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
                .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
            """);
        Assert.Empty(tooWide);
        await page.SetViewportSizeAsync(1280, 900);

        await page.GetByRole(AriaRole.Link, new() { Name = "Delete my account…" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Delete your account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-valmsg-for='Input.Password']")).ToHaveTextAsync("Enter your password to confirm.");
        await BrowserFixture.ScreenshotAsync(page, $"account-delete-js-{javaScript}");
        Assert.Empty(errors);
    }
}

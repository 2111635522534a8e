using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.Playwright;
using NodaTime;

namespace Consulting.Tests.Browser;

/// <summary>
/// After each htmx swap the focus stays somewhere sensible (the control used, found again in the new
/// content, or the new region's heading) and the change is read out through the one polite live
/// region (wwwroot/js/focus.js). The week navigation is in AccessibilityTourTests' keyboard booking.
/// </summary>
[ProviderIndependent]
[Collection(BrowserCollection.Name)]
public sealed class FocusAfterSwapBrowserTests(BrowserFixture browser)
{
    private static async Task FocusedAsync(IPage page, string selector)
    {
        try
        {
            await page.WaitForFunctionAsync("s => document.activeElement?.matches(s)", selector, new() { Timeout = 5000 });
        }
        catch (TimeoutException)
        {
            var focused = await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML.slice(0, 300) ?? 'nothing'");
            Assert.Fail($"The focus is not on {selector} but on {focused}");
        }
    }

    private static ILocatorAssertions Announcer(IPage page) => Assertions.Expect(page.Locator("#live-announcer[aria-live=polite]"));

    [Fact]
    public async Task Adding_a_window_keeps_the_focus_on_its_button_and_removing_it_moves_to_the_days_heading()
    {
        var me = await browser.App.CreateSignedInAsync();
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, me.Email, SpecialistAccounts.Password);
        var availability = await AvailabilityBrowserPage.OpenAsync(page);

        await availability.AddWindowAsync(IsoDayOfWeek.Monday, "09:00", "12:00", "60");

        await Assertions.Expect(availability.WindowTimes(IsoDayOfWeek.Monday)).ToHaveTextAsync("09:00–12:00");
        await FocusedAsync(page, "#day-monday form.add-window button[type=submit]");
        await Announcer(page).ToHaveTextAsync("Monday: 09:00–12:00");

        // The Remove button goes with its window: the day's heading takes the focus, not another window's Remove.
        await availability.RemoveWindowAsync(IsoDayOfWeek.Monday, "09:00–12:00");
        await Assertions.Expect(availability.WindowTimes(IsoDayOfWeek.Monday)).ToHaveCountAsync(0);
        await FocusedAsync(page, "#day-monday h3");
        await Announcer(page).ToHaveTextAsync("Monday: no hours");

        // A refused window: the first invalid field.
        await availability.AddWindowAsync(IsoDayOfWeek.Monday, "15:00", "15:00");
        await FocusedAsync(page, "#day-monday-end");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Blocking_a_slot_focuses_its_Unblock_button_and_unblocking_its_time_again()
    {
        var specialist = await browser.App.CreateSpecialistWithSlotsAsync();
        var slot = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 10, 0, 0));
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, specialist.Email, SpecialistAccounts.Password);
        await page.GotoAsync("/specialist/calendar?year=2026&month=11");

        var item = page.Locator($"[data-slot-id='{slot.Id}']");
        await item.Locator("summary").ClickAsync();
        await item.GetByLabel(new System.Text.RegularExpressions.Regex("reason")).FillAsync("Dentist");
        await item.GetByRole(AriaRole.Button, new() { Name = "Block" }).ClickAsync();

        await Assertions.Expect(item.Locator(".cal-note")).ToHaveTextAsync("Dentist");
        await FocusedAsync(page, $"[data-slot-id='{slot.Id}'] button");
        Assert.StartsWith("Unblock", await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('aria-label')"));
        await Announcer(page).ToContainTextAsync("1 blocked");

        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(item.Locator(".cal-note")).ToHaveCountAsync(0);
        await FocusedAsync(page, $"[data-slot-id='{slot.Id}'] summary");
        await Announcer(page).Not.ToContainTextAsync("blocked");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Changing_a_find_filter_leaves_the_focus_in_the_filter_and_the_pager_on_its_link()
    {
        await browser.App.RunDueGenerationAsync();
        var page = await browser.NewPageAsync();
        var find = await FindBrowserPage.OpenAsync(page);
        var heading = find.ResultsHeading;
        var before = await heading.InnerTextAsync();

        await find.LengthFilter.FocusAsync();
        await find.LengthFilter.SelectOptionAsync("60");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("Length=60"));
        await FocusedAsync(page, "#Length");
        var after = await heading.InnerTextAsync();
        await Announcer(page).ToHaveTextAsync(after);

        // The pager swaps the results only: the filter keeps its value, the focus comes back to "Next".
        await find.LengthFilter.SelectOptionAsync("0");
        await Assertions.Expect(heading).ToHaveTextAsync(before);
        await find.NextPageLink.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(find.PagerText).ToContainTextAsync("Page 2 of");
        await FocusedAsync(page, ".pager a[rel=next], #results-heading");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("p=2"));
        await Assertions.Expect(find.LengthFilter).ToHaveValueAsync("0");

        // A wrong price is marked on its field, and the mark goes once it is put right.
        var price = find.MaxPriceFilter;
        await find.CurrencyFilter.SelectOptionAsync("EUR");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("Currency=EUR"));
        await price.FillAsync("lots");
        await price.PressAsync("Tab");
        await Assertions.Expect(find.MaxPriceError).Not.ToBeEmptyAsync();
        await Assertions.Expect(price).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(price).ToHaveAttributeAsync("aria-describedby", new System.Text.RegularExpressions.Regex("MaxPrice-error"));
        await price.FillAsync("500");
        await price.PressAsync("Tab");
        await Assertions.Expect(find.MaxPriceError).ToBeEmptyAsync();
        await Assertions.Expect(price).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(price).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("input-validation-error"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Marking_notifications_read_keeps_the_focus_in_the_list_and_says_how_many_are_left()
    {
        var customer = await browser.App.CreateCustomerAsync("Nell Notes");
        await browser.App.WithDbAsync(async db =>
        {
            var start = browser.App.Clock.GetCurrentInstant();
            foreach (var i in Enumerable.Range(1, 3))
                db.Notifications.Add(Notification.Create(NotificationType.BookingConfirmation,
                    new Recipient(customer.UserId, customer.Email, null, "Europe/Madrid"), null, $"Note {i}", $"Message {i}",
                    [Channel.InApp], start + Duration.FromMinutes(i)));
            await db.SaveChangesAsync();
            return 0;
        });
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, customer.Email, CustomerAccounts.Password);
        await page.GotoAsync("/notifications");

        await page.GetByRole(AriaRole.Button, new() { Name = "Mark as read" }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".notification.unread")).ToHaveCountAsync(2);
        // The next "Mark as read" has the focus: a keyboard user goes on down the list.
        await FocusedAsync(page, "#notification-list .notification.unread button");
        await Announcer(page).ToHaveTextAsync("2 unread of 3");

        await page.GetByRole(AriaRole.Button, new() { Name = "Mark all as read" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notification.unread")).ToHaveCountAsync(0);
        await FocusedAsync(page, "#notification-list");
        await Announcer(page).ToHaveTextAsync("0 unread of 3");
        await page.Context.CloseAsync();
    }
}

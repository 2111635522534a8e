using System.Net;
using System.Text.Json;
using Consulting.Tests.Notifications;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Reviews;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Consulting.Tests.Pages.Account;

/// <summary>"Your data": the JSON download, and deleting the account.</summary>
public sealed class AccountDataTests : MailingAppTests
{
    /// <summary>
    /// Ana's session on Tue 3 Nov (completed, reviewed) and one on Fri 13 Nov, both paid; the clock is then
    /// just after the first one ended, more than 24 hours before the second.
    /// </summary>
    private async Task<(BookableSpecialist Specialist, TestCustomer Ana, Consulting.Web.Domain.Booking Past, Consulting.Web.Domain.Booking Future)> HistoryAsync()
    {
        var specialist = await App.CreateSpecialistWithSlotsAsync();
        var ana = await App.CreateCustomerAsync("Ana Díaz");
        var past = await App.ConfirmedBookingAsync(specialist.Slots[0], customer: ana);
        var future = await App.ConfirmedBookingAsync(specialist.Slots[^1], customer: ana);
        past = await App.CompleteAsync(specialist, past);
        await using (var scope = App.Services.CreateAsyncScope())
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<ReviewService>()
                .SubmitAsync(past.Id, ana.UserId, 5, "Clear, practical advice.", CancellationToken.None));
        return (specialist, ana, past, future);
    }

    [Fact]
    public async Task The_download_is_a_JSON_attachment_with_each_of_the_persons_bookings()
    {
        var (specialist, ana, past, future) = await HistoryAsync();
        var other = await App.CreateCustomerAsync("Ben Okafor");
        var notMine = await App.ConfirmedBookingAsync(specialist.Slots[5], customer: other);

        var account = await ana.Client.GetPageAsync("/account");
        var href = account.QuerySelector("#data a[download]")?.GetAttribute("href");
        Assert.Equal("/account?handler=Export", href);
        var response = await ana.Client.GetAsync(href);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("consulting-data-2026-11-03.json", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"name\": \"Ana Díaz\"", text); // readable, not \u-escaped
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;

        Assert.Equal(ana.Email, root.GetProperty("account").GetProperty("email").GetString());
        Assert.Equal(["Customer"], root.GetProperty("account").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var bookings = root.GetProperty("bookings").EnumerateArray().ToList();
        Assert.Equal([past.Id, future.Id], bookings.Select(b => b.GetProperty("id").GetGuid()));
        Assert.DoesNotContain(notMine.Id.ToString(), text);
        Assert.Equal("completed", bookings[0].GetProperty("status").GetString());
        Assert.Equal("2026-11-03T14:00:00Z", bookings[0].GetProperty("start").GetString());
        Assert.Equal("€50.00", bookings[1].GetProperty("price").GetProperty("display").GetString());
        Assert.NotEmpty(bookings[1].GetProperty("history").EnumerateArray());
        Assert.Equal([past.Id, future.Id], root.GetProperty("payments").EnumerateArray().Select(p => p.GetProperty("bookingId").GetGuid()));
        Assert.Equal("Clear, practical advice.", Assert.Single(root.GetProperty("reviews").EnumerateArray()).GetProperty("text").GetString());
        Assert.Contains(root.GetProperty("notifications").EnumerateArray(),
            n => n.GetProperty("type").GetString() == "BookingConfirmation" && n.GetProperty("bookingId").GetGuid() == future.Id);
    }

    [Fact]
    public async Task Deleting_cancels_a_future_booking_with_its_refund_and_anonymizes_a_past_one()
    {
        var (specialist, ana, past, future) = await HistoryAsync();

        var preview = await ana.Client.GetPageAsync("/account/delete");
        var item = Assert.Single(preview.QuerySelectorAll("[data-section=to-cancel] li"));
        Assert.Equal(future.Id.ToString(), item.GetAttribute("data-booking-id"));
        Assert.Contains("full refund of €50.00", item.Text());

        var wrong = await ana.Client.SubmitAsync(preview, "main form", new Dictionary<string, string> { ["Input.Password"] = "not it at all" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("That isn't your password.", (await Html.ParseAsync(wrong)).FieldError("Input.Password"));
        Assert.Equal(BookingStatus.Confirmed, await StatusAsync(future.Id));

        var deleted = await ana.Client.SubmitAsync(preview, "main form", new Dictionary<string, string> { ["Input.Password"] = CustomerAccounts.Password });
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal("/", deleted.Headers.Location?.OriginalString);
        var home = await ana.Client.GetPageAsync("/");
        Assert.Null(home.QuerySelector(".nav-user"));
        Assert.Contains("Your account is deleted.", home.QuerySelector(".flash").Text());
        Assert.Contains("are refunding €50.00 in full", home.QuerySelector(".flash").Text());

        // The future booking went the way a customer's own cancellation goes: refunded, slot free, both told.
        var (cancelled, payment, slotState) = await App.WithDbAsync(async db => (
            await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == future.Id),
            await db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == future.Id),
            await db.Slots.Where(s => s.Id == future.SlotId).Select(s => s.State).SingleAsync()));
        Assert.Equal(BookingStatus.Cancelled, cancelled.Status);
        Assert.Equal(ActorRole.Customer, cancelled.Cancellation!.ByRole);
        Assert.Equal(RefundDecision.Full, cancelled.Cancellation.Refund);
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal(5000, payment.RefundedMinor);
        Assert.Equal(SlotState.Available, slotState);

        // Both bookings stay for the specialist, without Ana.
        foreach (var id in new[] { past.Id, future.Id })
        {
            var kept = await App.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.Id == id));
            Assert.Equal(("Deleted customer", "", null, null, null),
                (kept.CustomerName, kept.CustomerEmail, kept.CustomerPhone, kept.CustomerUserId, kept.Notes));
            Assert.DoesNotContain(kept.StatusHistory, h => h.ByUserId == ana.UserId);
        }
        Assert.Equal(BookingStatus.Completed, await StatusAsync(past.Id));
        var review = await App.WithDbAsync(db => db.Reviews.AsNoTracking().SingleAsync(r => r.BookingId == past.Id));
        Assert.Equal(("Anonymous", null, "Clear, practical advice."), (review.AuthorName, review.CustomerUserId, review.Text));
        Assert.Equal("Anonymous", (await App.CreateBrowserLikeClient().GetPageAsync($"/specialists/{specialist.Slug}/reviews"))
            .QuerySelector(".review-author").Text());
        var dashboard = await specialist.Client.GetPageAsync("/specialist/bookings?Past=true");
        Assert.DoesNotContain("Ana", dashboard.QuerySelector("main")!.TextContent);

        // No way back in, and no account left.
        Assert.Equal(HttpStatusCode.BadRequest, (await App.CreateBrowserLikeClient().SignInAsync(ana.Email, CustomerAccounts.Password)).StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Users.CountAsync(u => u.Id == ana.UserId || u.Email == ana.Email)));

        // Her last emails still reach her: the withdrawn invite, the refund, and the goodbye with what happened.
        var mail = await Smtp.MailToAsync(App, ana.Email, 3);
        var cancelMail = Assert.Single(mail, m => m.Subject is { } s && s.StartsWith("Your session", StringComparison.Ordinal) && s.EndsWith("is cancelled", StringComparison.Ordinal));
        var invite = Assert.IsType<MultipartAlternative>(cancelMail.Body).Last();
        Assert.Equal("CANCEL", invite.ContentType.Parameters["method"]);
        Assert.Equal("CANCELLED", Assert.Single(IcsValidator.Validate(EmailComposerTests.Ics(invite)).Events).Status);
        Assert.Single(mail, m => m.Subject == "We refunded €50.00");
        var goodbye = Assert.Single(mail, m => m.Subject == "Your Consulting account is deleted");
        Assert.Contains("are refunding €50.00 in full", goodbye.TextBody);
        var toSpecialist = await Smtp.MailToAsync(App, specialist.Email);
        Assert.Contains(toSpecialist, m => m.Subject == "Cancelled: Deleted customer");

        // Once sent, the messages keep no trace of her address; what the specialist was told no longer names her.
        var traces = await App.WithDbAsync(db => db.Notifications.AsNoTracking()
            .Where(n => n.RecipientEmail == ana.Email || n.RecipientUserId == ana.UserId || n.Title.Contains("Ana") || n.Message.Contains("Ana"))
            .Select(n => n.Type + ": " + n.Title + " / " + n.Message + " to " + n.RecipientEmail).ToListAsync());
        Assert.Empty(traces);
    }

    [Fact]
    public async Task A_specialist_with_bookings_ahead_is_told_to_cancel_them_first()
    {
        var specialist = await App.CreateSpecialistWithSlotsAsync();
        var booking = await App.ConfirmedBookingAsync(specialist.Slots[2]);

        var page = await specialist.Client.GetPageAsync("/account/delete");
        Assert.Contains("You have 1 upcoming booking with customers. Cancel it on your Bookings page first",
            page.QuerySelector("[data-section=refusal]").Text());
        Assert.Null(page.QuerySelector("main form"));

        var posted = await specialist.Client.PostWithTokenAsync(page, "/account/delete",
            new Dictionary<string, string> { ["Input.Password"] = SpecialistAccounts.Password });
        Assert.Equal(HttpStatusCode.Conflict, posted.StatusCode);
        Assert.Equal(BookingStatus.Confirmed, await StatusAsync(booking.Id));
        await App.CreateBrowserLikeClient().SignInOrFailAsync(specialist.Email, SpecialistAccounts.Password);

        // Their download has their profile and the sessions they give.
        using var export = JsonDocument.Parse(await specialist.Client.GetStringAsync("/account?handler=Export"));
        Assert.Equal("/specialists/" + specialist.Slug, export.RootElement.GetProperty("specialistProfile").GetProperty("address").GetString());
        Assert.Equal(booking.Id, Assert.Single(export.RootElement.GetProperty("sessionsAsSpecialist").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_specialist_with_only_past_bookings_can_delete_and_leaves_the_directory()
    {
        var specialist = await App.CreateSpecialistWithSlotsAsync();
        var customer = await App.CreateCustomerAsync("Carla Keep");
        var past = await App.CompleteAsync(specialist, await App.ConfirmedBookingAsync(specialist.Slots[0], customer: customer));
        var page = await specialist.Client.GetPageAsync("/account/delete");

        var deleted = await specialist.Client.SubmitAsync(page, "main form", new Dictionary<string, string> { ["Input.Password"] = SpecialistAccounts.Password });

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await App.CreateBrowserLikeClient().GetAsync($"/specialists/{specialist.Slug}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await App.CreateBrowserLikeClient().SignInAsync(specialist.Email, SpecialistAccounts.Password)).StatusCode);
        Assert.Empty((await App.CreateBrowserLikeClient().GetPageAsync("/")).QuerySelectorAll($".specialist-card a[href='/specialists/{specialist.Slug}']"));
        Assert.Equal(0, await App.WithDbAsync(db => db.Slots.CountAsync(s => s.SpecialistId == specialist.Id && s.State == SlotState.Available)));
        // The customer's record of the session stays, with whom it was no longer named.
        var row = Assert.Single((await customer.Client.GetPageAsync("/bookings?Past=true")).QuerySelectorAll("li.my-booking"));
        Assert.Equal(past.Id.ToString(), row.GetAttribute("data-booking-id"));
        Assert.Contains("Former specialist", row.Text());
    }

    private Task<BookingStatus> StatusAsync(Guid bookingId) =>
        App.WithDbAsync(db => db.Bookings.Where(b => b.Id == bookingId).Select(b => b.Status).SingleAsync());
}

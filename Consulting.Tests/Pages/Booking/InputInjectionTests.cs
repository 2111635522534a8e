using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Calendar;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using NodaTime;

namespace Consulting.Tests.Pages.Booking;

/// <summary>
/// What a customer types ends up in the specialist's calendar and inbox: control characters are
/// refused at the form, beside the field; what is allowed (quotes, semicolons, colons, commas,
/// backslashes, non-Latin letters) arrives in both invites as text, in one VEVENT.
/// </summary>
public sealed class InputInjectionTests(SeededAppFactory app) : IClassFixture<SeededAppFactory>
{
    private async Task<(CheckoutPage Checkout, Slot Slot)> CheckoutAsync(BookableSpecialist specialist, int index = 0)
    {
        var page = await OpenTimesPage.OpenAsync(app.CreateBrowserLikeClient(), specialist.Slug, "2026-11-09", "Asia/Tokyo");
        var slot = specialist.Slots.Where(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0)).ElementAt(index);
        return (await page.HoldAsync(slot), slot);
    }

    [Theory]
    [InlineData("Eve\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Free money", "", CheckoutPage.Name, PlainText.SingleLineMessage)]
    // A NUL can't even be read from a form by ASP.NET Core; it still gets a message beside its field.
    [InlineData("\u0000\u0001", "", CheckoutPage.Name, PlainText.SingleLineMessage)]
    [InlineData("Eve", "Notes\u0000", CheckoutPage.Notes, PlainText.MultiLineMessage)]
    [InlineData("Eve\u202Eevil", "", CheckoutPage.Name, PlainText.SingleLineMessage)]
    [InlineData("Eve", "Line one\nline two\u0007", CheckoutPage.Notes, PlainText.MultiLineMessage)]
    public async Task Control_characters_in_checkout_details_are_refused_beside_the_field(string name, string notes, string field, string message)
    {
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var (checkout, slot) = await CheckoutAsync(specialist);

        var response = await checkout.SubmitDetailsAsync(name, "eve@example.com", notes: notes);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await CheckoutPage.ReadAsync(checkout.Client, response);
        Assert.Equal(message, page.Error(field));
        var booking = await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.SlotId == slot.Id));
        Assert.True(string.IsNullOrEmpty(booking.CustomerName));
        Assert.Equal(0, await app.WithDbAsync(db => db.Payments.CountAsync(p => p.BookingId == booking.Id)));
    }

    [Fact]
    public async Task Line_breaks_in_notes_are_kept_and_a_name_with_ical_specials_reaches_both_invites_as_text()
    {
        const string name = "Zoë \"Ops\" O'Brien; ROLE=CHAIR:x, a\\b ^ 山田";
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var (checkout, slot) = await CheckoutAsync(specialist, 1);

        var card = await checkout.ContinueToTestCardAsync(name, "zoe@example.com", notes: "First line\r\nEND:VEVENT\r\nBEGIN:VEVENT");
        var paid = await card.PayWithTestCardAsync();
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        var booking = await app.WithDbAsync(db => db.Bookings.AsNoTracking().SingleAsync(b => b.SlotId == slot.Id));
        Assert.Equal((name, "First line\r\nEND:VEVENT\r\nBEGIN:VEVENT"), (booking.CustomerName, booking.Notes));

        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().RunDueAsync(CancellationToken.None);
        var invites = new Dictionary<string, IcsSummary>();
        foreach (var file in Directory.GetFiles(app.MailDirectory, "*.eml"))
        {
            var message = await MimeMessage.LoadAsync(file);
            var calendar = message.BodyParts.OfType<TextPart>().FirstOrDefault(p => p.ContentType.IsMimeType("text", "calendar"));
            if (calendar is null || !calendar.Text.Contains(BookingInvites.Uid(booking.Id))) continue;
            invites[message.To.Mailboxes.Single().Address] = IcsValidator.Validate(Consulting.Tests.Notifications.EmailComposerTests.Ics(calendar));
        }

        Assert.Equal(new[] { "zoe@example.com", specialist.Email }.Order(), invites.Keys.Order());
        foreach (var invite in invites.Values)
        {
            var e = Assert.Single(invite.Events);
            Assert.Equal(BookingInvites.Uid(booking.Id), e.Uid);
            Assert.Equal(name, Assert.Single(e.Attendees).Cn);
        }
        Assert.Equal("Session with " + name, invites[specialist.Email].Events[0].Summary);
    }
}

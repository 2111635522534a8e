using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using NodaTime;

namespace Consulting.Tests.Notifications;

/// <summary>/dev/mailbox: the pickup folder as a page, in Development only.</summary>
public sealed class DevMailboxTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private WebApplicationFactory<Program> Development(string? smtpHost = null) => _app.WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Development");
        if (smtpHost is not null) b.UseSetting("Smtp:Host", smtpHost);
    });

    /// <summary>Composes the booking's confirmation and writes it to the pickup folder, as the dispatcher would.</summary>
    private async Task<MimeMessage> DeliverConfirmationAsync()
    {
        var specialist = await _app.CreateSpecialistWithSlotsAsync("America/New_York");
        var booking = await _app.ConfirmedBookingAsync(specialist.Slots.First(s => s.Start == Instant.FromUtc(2026, 11, 9, 14, 0)));
        var notification = await _app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .SingleAsync(n => n.BookingId == booking.Id && n.Type == NotificationType.BookingConfirmation));
        await using var scope = _app.Services.CreateAsyncScope();
        var message = await scope.ServiceProvider.GetRequiredService<EmailComposer>().ComposeAsync(notification, CancellationToken.None);
        await _app.GetService<PickupFolderEmailTransport>().SendAsync(message, CancellationToken.None);
        return message;
    }

    private async Task SendSimpleAsync(string subject)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "Hi." } };
        message.From.Add(MailboxAddress.Parse("no-reply@consulting.local"));
        message.To.Add(MailboxAddress.Parse("someone@example.com"));
        await _app.GetService<PickupFolderEmailTransport>().SendAsync(message, CancellationToken.None);
    }

    private string[] MailFiles() => Directory.GetFiles(_app.MailDirectory, "*.eml").Select(Path.GetFileName).OfType<string>().ToArray();

    [Fact]
    public async Task Outside_Development_the_mailbox_does_not_exist()
    {
        await SendSimpleAsync("Hidden");

        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateClient().GetAsync("/dev/mailbox")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateClient().GetAsync($"/dev/mailbox/{MailFiles()[0]}")).StatusCode);
    }

    [Fact]
    public async Task In_Development_with_SMTP_configured_there_is_no_mailbox()
    {
        using var dev = Development(smtpHost: "127.0.0.1");

        Assert.Equal(HttpStatusCode.NotFound, (await dev.CreateClient().GetAsync("/dev/mailbox")).StatusCode);
    }

    [Fact]
    public async Task The_mailbox_lists_the_pickup_folder_newest_first()
    {
        await SendSimpleAsync("First");
        _app.Clock.Advance(Duration.FromSeconds(5));
        await SendSimpleAsync("Second");
        using var dev = Development();

        var page = await dev.CreateClient().GetPageAsync("/dev/mailbox");

        var rows = page.QuerySelectorAll("table.mailbox tbody tr");
        Assert.Equal(["Second", "First"], rows.Select(r => r.QuerySelector("td a").Text()));
        Assert.Contains("someone@example.com", rows[0].QuerySelectorAll("td")[1].Text());
    }

    [Fact]
    public async Task A_message_shows_its_headers_the_html_in_a_sandboxed_iframe_the_text_and_downloadable_parts()
    {
        var sent = await DeliverConfirmationAsync();
        var name = Assert.Single(MailFiles());
        using var dev = Development();
        var client = dev.CreateClient();

        var list = await client.GetPageAsync("/dev/mailbox");
        Assert.Equal($"/dev/mailbox/{name}", list.QuerySelector("table.mailbox a")!.GetAttribute("href"));
        var page = await client.GetPageAsync($"/dev/mailbox/{name}");

        Assert.Equal(sent.Subject, page.QuerySelector("h1").Text());
        var headers = page.QuerySelectorAll("table.mail-headers tr").ToDictionary(r => r.QuerySelector("th").Text(), r => r.QuerySelector("td").Text());
        Assert.Equal(sent.Subject, headers["Subject"]);
        Assert.Contains("guest@example.com", headers["To"]);
        var iframe = page.QuerySelector("iframe")!;
        Assert.True(iframe.HasAttribute("sandbox"));
        Assert.Equal("", iframe.GetAttribute("sandbox"));
        Assert.Equal(sent.HtmlBody, iframe.GetAttribute("srcdoc"));
        Assert.Equal(sent.TextBody!.ReplaceLineEndings("\n").Trim(), page.QuerySelector("pre.mail-text").Text().ReplaceLineEndings("\n"));

        var parts = page.QuerySelectorAll("table.mail-parts tbody tr");
        Assert.Equal(3, parts.Length);
        Assert.Equal("text/calendar; method=REQUEST; charset=utf-8", parts[2].QuerySelectorAll("td")[1].Text());
        var download = await client.GetAsync(parts[2].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/calendar", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("REQUEST", download.Content.Headers.ContentType.Parameters.Single(p => p.Name == "method").Value);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        var ics = await download.Content.ReadAsStringAsync();
        Assert.Equal(EmailComposerTests.Ics(Assert.IsType<MultipartAlternative>(sent.Body)[2]), ics);
        Assert.Equal("REQUEST", IcsValidator.Validate(ics).Method);
    }

    [Theory]
    [InlineData("/dev/mailbox/..%2Fapp.db")]
    [InlineData("/dev/mailbox/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/dev/mailbox/%2Fetc%2Fpasswd")]
    [InlineData("/dev/mailbox/notes.txt")]
    [InlineData("/dev/mailbox/missing.eml")]
    public async Task Only_names_in_the_folder_listing_open(string url)
    {
        await SendSimpleAsync("Present");
        await File.WriteAllTextAsync(Path.Combine(_app.MailDirectory, "notes.txt"), "not an email");
        using var dev = Development();

        var response = await dev.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_part_number_outside_the_message_is_not_found()
    {
        await SendSimpleAsync("One part");
        using var dev = Development();

        var response = await dev.CreateClient().GetAsync($"/dev/mailbox/{MailFiles()[0]}?part=1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

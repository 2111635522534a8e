using Consulting.Tests.Support;
using Consulting.Web.Calendar;
using Consulting.Web.Domain;
using Consulting.Web.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using NodaTime;

namespace Consulting.Tests.Notifications;

/// <summary>SmtpEmailTransport against a real SMTP server on 127.0.0.1 (aiosmtpd, storing what it receives in a maildir).</summary>
public sealed class SmtpTransportTests : IAsyncLifetime
{
    private SmtpListener _smtp = null!;

    public async Task InitializeAsync() => _smtp = await SmtpListener.StartAsync();

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    private SmtpEmailTransport Transport(Action<SmtpOptions>? configure = null)
    {
        var options = new SmtpOptions { Host = "127.0.0.1", Port = _smtp.Port, Security = SmtpSecurity.None, TimeoutSeconds = 10 };
        configure?.Invoke(options);
        return new SmtpEmailTransport(Options.Create(options));
    }

    private static MimeMessage Simple(string subject)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "Hello from the tests." } };
        message.From.Add(new MailboxAddress("Consulting", "no-reply@consulting.local"));
        message.To.Add(new MailboxAddress("Guest", "guest@example.com"));
        return message;
    }

    /// <summary>The app, configured to send through this test's SMTP server.</summary>
    private sealed class SmtpApp(int port) : AppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Smtp:Host", "127.0.0.1");
            builder.UseSetting("Smtp:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Smtp:Security", "None");
        }
    }

    [Fact]
    public async Task With_Smtp_Host_set_the_app_sends_a_composed_confirmation_over_SMTP_with_headers_and_all_three_parts()
    {
        using var app = new SmtpApp(_smtp.Port);
        var transport = Assert.IsType<SmtpEmailTransport>(app.GetService<IEmailTransport>());
        Assert.Equal("smtp", transport.Name);
        var specialist = await app.CreateSpecialistWithSlotsAsync("America/New_York");
        var booking = await app.ConfirmedBookingAsync(specialist.Slots.First(s => s.Start == Instant.FromUtc(2026, 11, 9, 14, 0)));
        var notification = await app.WithDbAsync(db => db.Notifications.AsNoTracking()
            .SingleAsync(n => n.BookingId == booking.Id && n.Type == NotificationType.BookingConfirmation));
        MimeMessage sent;
        await using (var scope = app.Services.CreateAsyncScope())
            sent = await scope.ServiceProvider.GetRequiredService<EmailComposer>().ComposeAsync(notification, CancellationToken.None);

        await transport.SendAsync(sent, CancellationToken.None);

        var received = Assert.Single(await _smtp.MessagesAsync());
        Assert.Equal(sent.MessageId, received.MessageId);
        Assert.Equal(notification.Title, received.Subject);
        Assert.Equal("guest@example.com", Assert.Single(received.To.Mailboxes).Address);
        Assert.Equal("no-reply@consulting.local", Assert.Single(received.From.Mailboxes).Address);
        var parts = Assert.IsType<MultipartAlternative>(received.Body).Cast<TextPart>().ToList();
        Assert.Equal(["text/plain", "text/html", "text/calendar"], parts.Select(p => p.ContentType.MimeType));
        Assert.Equal("REQUEST", parts[2].ContentType.Parameters["method"]);
        Assert.Null(parts[2].FileName);
        Assert.Contains("Mon 9 Nov 2026, 23:00 JST (Tokyo)", parts[0].Text);
        Assert.Contains("Mon 9 Nov 2026, 23:00 JST (Tokyo)", parts[1].Text);
        // The invite survives the trip byte for byte (CRLF lines, folding) and still validates.
        Assert.Equal(EmailComposerTests.Ics(Assert.IsType<MultipartAlternative>(sent.Body)[2]), EmailComposerTests.Ics(parts[2]));
        Assert.Equal(BookingInvites.Uid(booking.Id), Assert.Single(IcsValidator.Validate(EmailComposerTests.Ics(parts[2])).Events).Uid);
    }

    [Fact]
    public void Without_Smtp_Host_the_app_writes_to_the_pickup_folder()
    {
        using var app = new AppFactory();
        Assert.Equal("pickup", Assert.IsType<PickupFolderEmailTransport>(app.GetService<IEmailTransport>()).Name);
    }

    [Fact]
    public async Task Concurrent_sends_each_use_their_own_connection_and_all_arrive()
    {
        var transport = Transport();

        await Task.WhenAll(Enumerable.Range(1, 8).Select(i => transport.SendAsync(Simple($"Message {i}"), CancellationToken.None)));

        var received = await _smtp.MessagesAsync(8);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"Message {i}").Order(), received.Select(m => m.Subject).Order());
        Assert.Equal(8, received.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task With_a_user_set_the_transport_authenticates_so_a_server_without_auth_fails_the_send()
    {
        var transport = Transport(o => (o.User, o.Password) = ("mailer", "secret"));

        await Assert.ThrowsAsync<NotSupportedException>(() => transport.SendAsync(Simple("Needs auth"), CancellationToken.None));

        Assert.Empty(await _smtp.MessagesAsync(0));
    }

    [Fact]
    public async Task A_server_that_is_not_there_fails_the_send_for_the_dispatcher_to_retry()
    {
        int closedPort;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var transport = Transport(o => o.Port = closedPort);

        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => transport.SendAsync(Simple("Nowhere"), CancellationToken.None));
    }
}

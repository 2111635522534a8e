using AngleSharp;
using AngleSharp.Html.Dom;
using Consulting.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Consulting.Tests.Support;

/// <summary>Reading the emails a person got: who they went to, their links, their two bodies.</summary>
public static class AccountMail
{
    /// <summary>Sends what the outbox holds now, as the background job would.</summary>
    public static async Task<int> SendOutboxAsync(this AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDispatcher>().RunDueAsync(CancellationToken.None);
    }

    /// <summary>Sends the outbox, then the messages to <paramref name="address"/> the SMTP server has, oldest first.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> MailToAsync(this SmtpListener smtp, AppFactory app, string address, int atLeast = 1)
    {
        await app.SendOutboxAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var all = await smtp.MessagesAsync(0, TimeSpan.Zero);
            var mine = all.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();
            if (mine.Count >= atLeast || DateTime.UtcNow > deadline) return mine;
            await Task.Delay(50);
        }
    }

    /// <summary>The one message to <paramref name="address"/> with this subject.</summary>
    public static async Task<MimeMessage> SingleMailAsync(this SmtpListener smtp, AppFactory app, string address, string subject) =>
        Assert.Single(await smtp.MailToAsync(app, address), m => m.Subject == subject);

    /// <summary>The links of an account email's buttons, as paths on the site (the first is the main one).</summary>
    public static async Task<IReadOnlyList<string>> ButtonLinksAsync(this MimeMessage message)
    {
        var html = await BrowsingContext.New(Configuration.Default).OpenAsync(r => r.Content(message.HtmlBody ?? ""));
        return html.QuerySelectorAll("[data-section=account] a").Cast<IHtmlAnchorElement>()
            .Select(a => new Uri(a.Href).PathAndQuery).ToList();
    }

    public static async Task<string> ButtonLinkAsync(this MimeMessage message, int index = 0) => (await message.ButtonLinksAsync())[index];
}

/// <summary>Test classes whose app (one per test) sends its email through a real SMTP server on 127.0.0.1.</summary>
public abstract class MailingAppTests : IAsyncLifetime
{
    protected SmtpListener Smtp { get; private set; } = null!;
    protected AppFactory App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Smtp = await SmtpListener.StartAsync();
        App = new Notifications.SmtpAppFactory(Smtp.Port);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

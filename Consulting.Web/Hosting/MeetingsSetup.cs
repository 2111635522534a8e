using Consulting.Web.Meetings;

namespace Consulting.Web.Hosting;

public static class MeetingsSetup
{
    /// <summary>The meeting provider: Zoom when its keys are set, Jitsi links otherwise.</summary>
    public static WebApplicationBuilder AddMeetings(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<JitsiOptions>(builder.Configuration.GetSection("Jitsi"));
        builder.Services.AddSingleton<IMeetingProvider, JitsiMeetingProvider>();
        return builder;
    }
}

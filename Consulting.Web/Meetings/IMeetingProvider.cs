using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Web.Meetings;

public sealed record MeetingRequest(Guid BookingId, string Topic, Instant Start, Duration Length, string TimeZoneId);

/// <summary>Creates the video meeting for a booking (STYLE rule 9): Zoom when configured, Jitsi otherwise.</summary>
public interface IMeetingProvider
{
    string Name { get; }
    Task<MeetingInfo> CreateAsync(MeetingRequest request, CancellationToken ct);
    Task<MeetingInfo> UpdateAsync(MeetingInfo meeting, MeetingRequest request, CancellationToken ct);
    Task DeleteAsync(MeetingInfo meeting, CancellationToken ct);

    /// <summary>
    /// A link that starts the meeting as its host, good right now, or null when the provider has no
    /// such thing (or the meeting is another provider's). Zoom's expire two hours after issue, so
    /// one stored at booking time is no use in a reminder: ask when the host is about to start.
    /// </summary>
    Task<string?> HostUrlAsync(MeetingInfo meeting, CancellationToken ct);
}

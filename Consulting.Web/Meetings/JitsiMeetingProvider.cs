using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Consulting.Web.Domain;
using Microsoft.Extensions.Options;

namespace Consulting.Web.Meetings;

/// <summary>The "Jitsi" settings section.</summary>
public sealed class JitsiOptions : IValidatableObject
{
    public const string Section = "Jitsi";

    public string BaseUrl { get; set; } = "https://meet.jit.si";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (SettingRules.AbsoluteHttpUrl("Jitsi:BaseUrl", BaseUrl, optional: false) is { } message)
            yield return new ValidationResult(message);
    }
}

/// <summary>
/// The default meeting provider: a Jitsi Meet room whose name carries 128 random bits, so the
/// link can't be guessed. Jitsi rooms exist while someone is in them, so there is nothing to
/// update or delete at the provider.
/// </summary>
public sealed class JitsiMeetingProvider(IOptions<JitsiOptions> options) : IMeetingProvider
{
    public const string ProviderName = "jitsi";

    public string Name => ProviderName;

    public Task<MeetingInfo> CreateAsync(MeetingRequest request, CancellationToken ct)
    {
        var room = "Consulting-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var url = $"{options.Value.BaseUrl.TrimEnd('/')}/{room}";
        return Task.FromResult(new MeetingInfo(ProviderName, null, url, null));
    }

    // The room keeps its link when the time moves.
    public Task<MeetingInfo> UpdateAsync(MeetingInfo meeting, MeetingRequest request, CancellationToken ct) =>
        Task.FromResult(meeting);

    public Task DeleteAsync(MeetingInfo meeting, CancellationToken ct) => Task.CompletedTask;

    // Whoever opens a Jitsi room first runs it: there is no separate host link.
    public Task<string?> HostUrlAsync(MeetingInfo meeting, CancellationToken ct) => Task.FromResult<string?>(null);
}

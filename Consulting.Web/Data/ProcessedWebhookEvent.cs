using NodaTime;

namespace Consulting.Web.Data;

/// <summary>A provider event already applied; its id is the key, so an event is applied once.</summary>
public sealed class ProcessedWebhookEvent
{
    public string Id { get; set; } = "";
    public string Provider { get; set; } = "";
    public string Type { get; set; } = "";
    public Instant ReceivedAt { get; set; }
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Notifications;

/// <summary>How many messages wait in the outbox, and since when the oldest one waits.</summary>
public sealed record OutboxBacklog(int Waiting, Duration? OldestAge);

/// <summary>
/// The outbox backlog for /healthz and the metrics: deliveries not yet sent (pending, being sent, or
/// waiting for a retry) and the age of the oldest one's message. Read at most every few seconds,
/// however often probes and metric readers ask.
/// </summary>
public sealed class OutboxMonitor(IServiceScopeFactory scopes, IClock clock)
{
    private static readonly Duration Freshness = Duration.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (Instant At, OutboxBacklog Backlog)? _last;

    public async Task<OutboxBacklog> GetAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        if (_last is { } fresh && now - fresh.At < Freshness && now >= fresh.At) return fresh.Backlog;
        await _gate.WaitAsync(ct);
        try
        {
            if (_last is { } again && now - again.At < Freshness && now >= again.At) return again.Backlog;
            var backlog = await ReadAsync(now, ct);
            _last = (now, backlog);
            return backlog;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<OutboxBacklog> ReadAsync(Instant now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var waiting = from d in db.NotificationDeliveries
                      where d.State == DeliveryState.Pending || d.State == DeliveryState.Sending
                      join n in db.Notifications on EF.Property<Guid>(d, "NotificationId") equals n.Id
                      select n.CreatedAt;
        var count = await waiting.CountAsync(ct);
        if (count == 0) return new OutboxBacklog(0, null);
        var oldest = await waiting.MinAsync(ct);
        return new OutboxBacklog(count, oldest < now ? now - oldest : Duration.Zero);
    }
}

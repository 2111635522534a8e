using Consulting.Web.Domain;

namespace Consulting.Web.Data;

/// <summary>
/// Turns the events raised by tracked entities into their consequences' rows just before a save, so
/// a change and what must follow it commit together or not at all. No service coordinates the
/// follow-ups of a change by hand: each <see cref="IConsequence"/> (one per feature folder) records its part.
/// </summary>
public static class DomainEventDispatch
{
    // A consequence may change entities that raise events of their own (a refund at the provider
    // cancels the booking, which releases its slot); a chain longer than this is a loop.
    private const int MaxRounds = 8;

    public static async Task RecordConsequencesAsync(AppDbContext db, CancellationToken ct)
    {
        for (var round = 1; ; round++)
        {
            var events = Take(db);
            if (events.Count == 0) return;
            if (db.Services is not { } services)
                throw new InvalidOperationException("This context was built by hand, so it has no consequences to record its entities' events with.");
            if (round > MaxRounds) throw new InvalidOperationException("Domain events keep raising each other: " + string.Join(", ", events.Select(e => e.GetType().Name)));
            var consequences = services.GetServices<IConsequence>().ToList();
            foreach (var e in events)
            foreach (var consequence in consequences)
                await consequence.RecordAsync(e, ct);
        }
    }

    /// <summary>A synchronous save can't query for consequences: it may only save changes that raised no events.</summary>
    public static void RefuseUnrecorded(AppDbContext db)
    {
        var events = Take(db);
        if (events.Count > 0)
            throw new InvalidOperationException("Save with SaveChangesAsync: these changes have consequences to record (" +
                string.Join(", ", events.Select(e => e.GetType().Name)) + ").");
    }

    private static List<IDomainEvent> Take(AppDbContext db) =>
        db.ChangeTracker.Entries<EventSource>().SelectMany(entry => entry.Entity.TakeEvents()).ToList();
}

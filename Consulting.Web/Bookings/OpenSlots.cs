using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>A slot a customer may pick.</summary>
public sealed record OpenSlot(Guid Id, Guid SpecialistId, Instant Start, Instant End, Money Price)
{
    public Duration Length => End - Start;
}

/// <summary>What customers can book: free slots still in their schedule that their specialist's booking rules allow.</summary>
public sealed class OpenSlots(AppDbContext db, IClock clock, OfferRules rules)
{
    // Constant text; the values are OfferRules' parameters.
    private static readonly string OpenSql =
        $"""SELECT * FROM "Slots" AS "open_slot" WHERE {OfferRules.Condition("\"open_slot\"", "{0}", "{1}", "{2}")}""";

    private static readonly string OpenOfOneSql =
        $"""SELECT * FROM "Slots" AS "open_slot" WHERE {OfferRules.Condition("\"open_slot\"", "{0}", "{1}", "{2}", oneSpecialist: true)}""";

    /// <summary>Every open slot, as a query to filter further (see <see cref="OfferRules"/> for the rule): for searches across specialists.</summary>
    public IQueryable<Slot> Query() =>
        db.Slots.FromSqlRaw(OpenSql, rules.Parameters(clock.GetCurrentInstant())).AsNoTracking();

    /// <summary>The same, for a query that filters on one specialist (or on each in turn, as a correlated subquery).</summary>
    public IQueryable<Slot> QueryOneSpecialist() =>
        db.Slots.FromSqlRaw(OpenOfOneSql, rules.Parameters(clock.GetCurrentInstant())).AsNoTracking();

    /// <summary>A specialist's open slots starting in [from, to).</summary>
    public async Task<IReadOnlyList<OpenSlot>> BetweenAsync(Guid specialistId, Instant from, Instant to, CancellationToken ct) =>
        (await QueryOneSpecialist().Where(s => s.SpecialistId == specialistId && s.Start >= from && s.Start < to)
            .OrderBy(s => s.Start).ToListAsync(ct)).Select(ToOpen).ToList();

    /// <summary>The specialist's first open slot starting at or after <paramref name="from"/>, if any.</summary>
    public async Task<OpenSlot?> FirstFromAsync(Guid specialistId, Instant from, CancellationToken ct) =>
        await QueryOneSpecialist().Where(s => s.SpecialistId == specialistId && s.Start >= from).OrderBy(s => s.Start)
            .FirstOrDefaultAsync(ct) is { } slot ? ToOpen(slot) : null;

    /// <summary>The open slots of the same specialist nearest in time to <paramref name="around"/>.</summary>
    public async Task<IReadOnlyList<OpenSlot>> NearestAsync(Guid specialistId, Instant around, int count, CancellationToken ct)
    {
        var mine = QueryOneSpecialist().Where(s => s.SpecialistId == specialistId);
        var after = await mine.Where(s => s.Start >= around).OrderBy(s => s.Start).Take(count).ToListAsync(ct);
        var before = await mine.Where(s => s.Start < around).OrderByDescending(s => s.Start).Take(count).ToListAsync(ct);
        return after.Concat(before)
            .OrderBy(s => Math.Abs((s.Start - around).TotalTicks))
            .Take(count)
            .OrderBy(s => s.Start)
            .Select(ToOpen)
            .ToList();
    }

    /// <summary>The next open times from now: what a customer is offered when the time they chose no longer exists.</summary>
    public Task<IReadOnlyList<OpenSlot>> NextAsync(Guid specialistId, int count, CancellationToken ct) =>
        NearestAsync(specialistId, clock.GetCurrentInstant(), count, ct);

    public static OpenSlot ToOpen(Slot s) => new(s.Id, s.SpecialistId, s.Start, s.End, s.Price);
}

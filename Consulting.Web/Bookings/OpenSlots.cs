using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>A slot a customer may pick.</summary>
public sealed record OpenSlot(Guid Id, Guid SpecialistId, Instant Start, Instant End, Money Price)
{
    public Duration Length => End - Start;
}

/// <summary>What customers can book: free slots that start after the minimum notice.</summary>
public sealed class OpenSlots(AppDbContext db, IClock clock, IOptions<BookingOptions> options)
{
    public Instant Earliest => clock.GetCurrentInstant() + options.Value.MinimumNotice;

    public IQueryable<Slot> Query() =>
        db.Slots.AsNoTracking().Where(s => s.State == SlotState.Available && s.Start >= Earliest);

    /// <summary>A specialist's open slots starting in [from, to).</summary>
    public async Task<IReadOnlyList<OpenSlot>> BetweenAsync(Guid specialistId, Instant from, Instant to, CancellationToken ct) =>
        (await Query().Where(s => s.SpecialistId == specialistId && s.Start >= from && s.Start < to)
            .OrderBy(s => s.Start).ToListAsync(ct)).Select(ToOpen).ToList();

    /// <summary>The open slots of the same specialist nearest in time to <paramref name="around"/>.</summary>
    public async Task<IReadOnlyList<OpenSlot>> NearestAsync(Guid specialistId, Instant around, int count, CancellationToken ct)
    {
        var mine = Query().Where(s => s.SpecialistId == specialistId);
        var after = await mine.Where(s => s.Start >= around).OrderBy(s => s.Start).Take(count).ToListAsync(ct);
        var before = await mine.Where(s => s.Start < around).OrderByDescending(s => s.Start).Take(count).ToListAsync(ct);
        return after.Concat(before)
            .OrderBy(s => Math.Abs((s.Start - around).TotalTicks))
            .Take(count)
            .OrderBy(s => s.Start)
            .Select(ToOpen)
            .ToList();
    }

    public static OpenSlot ToOpen(Slot s) => new(s.Id, s.SpecialistId, s.Start, s.End, s.Price);
}

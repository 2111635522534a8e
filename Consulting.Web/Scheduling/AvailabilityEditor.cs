using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Scheduling;

public sealed record EditResult(IReadOnlyList<(string Field, string Message)> Errors)
{
    public static readonly EditResult Ok = new([]);
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>Loads a specialist's schedule, applies one domain change, and saves it — or reports why not.</summary>
public sealed class AvailabilityEditor(AppDbContext db, IClock clock)
{
    public Task<AvailabilitySchedule?> FindAsync(Guid specialistId, CancellationToken ct) =>
        db.Schedules.SingleOrDefaultAsync(s => s.SpecialistId == specialistId, ct);

    private const int Attempts = 3;

    /// <summary>
    /// Applies <paramref name="change"/>; a <see cref="DomainException"/> becomes a field error and
    /// nothing is saved. When another request changed the schedule in the meantime (a double-clicked
    /// "add date exception" deletes and inserts the same rows twice), the change is applied again to
    /// what that request saved: the edits say what the schedule should become, so this is idempotent.
    /// </summary>
    public async Task<EditResult> EditAsync(Guid specialistId, Action<AvailabilitySchedule, Instant> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var schedule = await FindAsync(specialistId, ct)
                ?? throw new InvalidOperationException($"Specialist {specialistId} has no schedule.");
            try
            {
                change(schedule, clock.GetCurrentInstant());
            }
            catch (DomainException e)
            {
                db.ChangeTracker.Clear();
                return new EditResult([(e.Field ?? "", e.Message)]);
            }
            try
            {
                await db.SaveChangesAsync(ct);
                return EditResult.Ok;
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                // A concurrency conflict (rows already deleted) or a unique date inserted first: reload and apply again.
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                return new EditResult([("", "Your availability was changed somewhere else at the same time. Reload the page and try again.")]);
            }
        }
    }

    /// <summary>
    /// Held, booked or blocked future slots that the current pattern would no longer create: they
    /// stay as they are (nobody's booking is moved), and the specialist sees them listed.
    /// </summary>
    public async Task<IReadOnlyList<SlotConflict>> ConflictsAsync(AvailabilitySchedule schedule, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var taken = await db.Slots.AsNoTracking()
            .Where(s => s.SpecialistId == schedule.SpecialistId && s.State != SlotState.Available && s.Start >= now)
            .OrderBy(s => s.Start)
            .Select(s => new SlotConflict(s.Id, s.Start, s.End, s.State, s.BlockReason))
            .ToListAsync(ct);
        if (taken.Count == 0) return [];

        var zone = schedule.Zone;
        var from = taken[0].Start.InZone(zone).Date;
        var to = taken[^1].Start.InZone(zone).Date;
        var planned = SlotPlanner.Plan(schedule, from, to).Select(p => (p.Start, p.End)).ToHashSet();
        return taken.Where(t => !planned.Contains((t.Start, t.End))).ToList();
    }
}

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

/// <summary>A held, booked or blocked future slot that the specialist's availability no longer has, with its booking if any.</summary>
public sealed record ConflictRow(Guid SlotId, Instant Start, Instant End, SlotState State, SlotUnavailability Reason,
    string? BlockReason, Guid? BookingId, string? CustomerName);

/// <summary>
/// Loads a specialist's schedule, applies one domain change, and saves it together with the
/// reconcile that brings their free slots in line — or reports why not.
/// </summary>
public sealed class AvailabilityEditor(AppDbContext db, GenerationJobs jobs, IClock clock)
{
    public Task<AvailabilitySchedule?> FindAsync(Guid specialistId, CancellationToken ct) =>
        db.Schedules.SingleOrDefaultAsync(s => s.SpecialistId == specialistId, ct);

    private const int Attempts = 3;

    /// <summary>
    /// Applies <paramref name="change"/> and queues the reconcile in the same transaction, so a
    /// saved change is always applied (a restart can't lose it); a <see cref="DomainException"/>
    /// becomes a field error and nothing is saved. When another request changed the schedule in the
    /// meantime (a double-clicked "add date exception" deletes and inserts the same rows twice), the
    /// change is applied again to what that request saved: the edits say what the schedule should
    /// become, so this is idempotent.
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
                await jobs.StageReconcileAsync(schedule, "change", ct);
                await db.SaveChangesAsync(ct);
                jobs.Wake();
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
    /// Held, booked or blocked future slots that the last reconcile found outside the specialist's
    /// availability: they stay as they are (nobody's booking is moved), and the specialist sees them.
    /// </summary>
    public async Task<IReadOnlyList<ConflictRow>> ConflictsAsync(Guid specialistId, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        return await (
            from s in db.Slots.AsNoTracking()
            where s.SpecialistId == specialistId && s.State != SlotState.Available
                && s.Unavailability != SlotUnavailability.None && s.End > now
            join b in db.Bookings on s.BookingId equals b.Id into bookings
            from b in bookings.DefaultIfEmpty()
            orderby s.Start
            select new ConflictRow(s.Id, s.Start, s.End, s.State, s.Unavailability, s.BlockReason,
                b == null ? null : b.Id, b == null ? null : b.CustomerName)).ToListAsync(ct);
    }
}

using System.Text.RegularExpressions;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Jobs;
using Consulting.Web.Scheduling;
using Coravel.Queuing.Interfaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Calendar;

/// <summary>A calendar as the availability page lists it: never its full address.</summary>
/// <param name="Syncing">Due now (just added, "Sync now", or its refresh time came): a worker is fetching it or about to.</param>
public sealed record CalendarRow(Guid Id, string Name, string MaskedAddress, Instant? LastSuccessAt, Instant? LastAttemptAt,
    string? Problem, int BusyCount, bool Syncing);

/// <summary>
/// The specialist's own calendars: adding, removing and syncing them, and the background work that
/// fetches each one every <c>ExternalCalendars:RefreshMinutes</c>. A sync is a row claimed through
/// <see cref="WorkRunner"/> (one instance per calendar per turn); adding a calendar and "Sync now" only
/// make it due and wake the worker, so no request waits on a calendar server. Its outcome — the calendar's new busy
/// periods, its status and a queued slot reconcile — is saved in one transaction when the lease
/// completes, so the slots follow the busy times exactly as they follow an availability change.
/// A failed fetch keeps the last good busy periods and records the problem for the page.
/// </summary>
public sealed partial class ExternalCalendarSync(
    AppDbContext db,
    WorkRunner runner,
    CalendarFetcher fetcher,
    CalendarAddresses addresses,
    GenerationJobs jobs,
    OfferRules offerRules,
    IClock clock,
    IQueue queue,
    IOptions<JobsOptions> jobsOptions,
    IOptions<ExternalCalendarOptions> options,
    ILogger<ExternalCalendarSync> log) : IWorkKind<ExternalCalendar, Guid>
{
    /// <summary>Validators older than this aren't sent: a 304 would keep busy times read for a shorter horizon.</summary>
    private static readonly Duration ConditionalFor = Duration.FromHours(12);

    public static readonly WorkTable<ExternalCalendar, Guid> Table = new(
        "Calendar sync", c => c.Id, c => true, c => (Instant?)c.NextSyncAt, c => c.Attempts,
        new RetryPolicy(Duration.FromMinutes(1), Duration.FromMinutes(15)));

    WorkTable<ExternalCalendar, Guid> IWorkKind<ExternalCalendar, Guid>.Table => Table;

    private Duration Refresh => Duration.FromMinutes(options.Value.RefreshMinutes);

    public async Task<IReadOnlyList<CalendarRow>> ListAsync(Guid specialistId, CancellationToken ct)
    {
        var calendars = await db.ExternalCalendars.AsNoTracking().Where(c => c.SpecialistId == specialistId)
            .OrderBy(c => c.CreatedAt).ToListAsync(ct);
        var now = clock.GetCurrentInstant();
        var counts = await db.BusyPeriods.AsNoTracking().Where(b => b.SpecialistId == specialistId && b.End > now)
            .GroupBy(b => b.CalendarId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return calendars.Select(c => new CalendarRow(c.Id, c.Name, addresses.Masked(c), c.LastSuccessAt, c.LastAttemptAt, c.LastError,
            counts.GetValueOrDefault(c.Id), c.NextSyncAt <= now)).ToList();
    }

    /// <summary>
    /// Adds a calendar, due at once: a worker fetches it within seconds. Throws <see cref="DomainException"/> (field "Name" or
    /// "Address") for what the specialist must fix.
    /// </summary>
    public async Task<Guid> AddAsync(SpecialistProfile specialist, string? name, string? address, CancellationToken ct)
    {
        var cleanName = ExternalCalendar.CleanName(name);
        Uri uri;
        try
        {
            uri = CalendarFetcher.Parse(address);
        }
        catch (CalendarAddressException e)
        {
            throw new DomainException(e.Message, "Address");
        }
        if (IsOwnFeed(uri, specialist.Slug))
            throw new DomainException("That is your own Consulting feed: its times are your bookings already, so it isn’t added.", "Address");
        var fingerprint = CalendarAddresses.Fingerprint(uri.AbsoluteUri);
        var existing = await db.ExternalCalendars.Where(c => c.SpecialistId == specialist.Id).Select(c => c.AddressFingerprint).ToListAsync(ct);
        if (existing.Count >= options.Value.MaxPerSpecialist)
            throw new DomainException($"You can add at most {options.Value.MaxPerSpecialist} calendars. Remove one first.", "Address");
        if (existing.Contains(fingerprint)) throw AddedAlready();

        var calendar = ExternalCalendar.Add(specialist.Id, cleanName, addresses.Protect(uri.AbsoluteUri), fingerprint, clock.GetCurrentInstant());
        db.ExternalCalendars.Add(calendar);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same address from a second request at the same moment: the unique index kept one.
            db.ChangeTracker.Clear();
            if (await db.ExternalCalendars.AnyAsync(c => c.SpecialistId == specialist.Id && c.AddressFingerprint == fingerprint, ct)) throw AddedAlready();
            throw;
        }
        Wake();
        return calendar.Id;
    }

    private static DomainException AddedAlready() => new("That calendar is added already.", "Address");

    /// <summary>Removes the calendar and its busy times; the slots they blocked come back with the reconcile saved alongside.</summary>
    public async Task<bool> RemoveAsync(Guid specialistId, Guid calendarId, CancellationToken ct)
    {
        var calendar = await db.ExternalCalendars.SingleOrDefaultAsync(c => c.Id == calendarId && c.SpecialistId == specialistId, ct);
        if (calendar is null) return false;
        db.BusyPeriods.RemoveRange(await db.BusyPeriods.Where(b => b.CalendarId == calendarId).ToListAsync(ct));
        db.ExternalCalendars.Remove(calendar);
        await StageReconcileAsync(specialistId, ct);
        await db.SaveChangesAsync(ct);
        jobs.Wake();
        return true;
    }

    /// <summary>"Sync now": the calendar is due at once, and a worker (on whichever instance claims it) fetches it.</summary>
    public async Task<bool> SyncNowAsync(Guid specialistId, Guid calendarId, CancellationToken ct)
    {
        var calendar = await db.ExternalCalendars.SingleOrDefaultAsync(c => c.Id == calendarId && c.SpecialistId == specialistId, ct);
        if (calendar is null) return false;
        calendar.SyncNow(clock.GetCurrentInstant());
        await db.SaveChangesAsync(ct);
        Wake();
        return true;
    }

    /// <summary>Asks the background runner to look for due calendars now rather than at its next sweep.</summary>
    private void Wake()
    {
        if (jobsOptions.Value.RunInBackground) queue.QueueInvocable<SyncExternalCalendars>();
    }

    /// <summary>Syncs every calendar that is due; returns how many succeeded.</summary>
    public Task<int> RunDueAsync(CancellationToken ct) => runner.RunDueAsync(this, ct);

    public async Task<bool> RunAsync(WorkLease<Guid> lease, CancellationToken ct)
    {
        var calendar = await db.ExternalCalendars.SingleAsync(c => c.Id == lease.Key, ct);
        var schedule = await db.Schedules.AsNoTracking().SingleOrDefaultAsync(s => s.SpecialistId == calendar.SpecialistId, ct);
        var now = clock.GetCurrentInstant();
        var conditional = calendar.LastSuccessAt > now - ConditionalFor;
        var changed = false;
        bool succeeded;
        // A row from before addresses were encrypted is encrypted now, with this sync's outcome.
        var address = addresses.Reveal(calendar);
        addresses.ProtectIfPlain(calendar);
        try
        {
            var fetched = address is null
                ? new FetchResult.Failed("The saved address can’t be read any more (the site’s keys changed). Remove this calendar and add its address again.")
                : await fetcher.FetchAsync(address, conditional ? calendar.ETag : null, conditional ? calendar.LastModified : null, ct);
            now = clock.GetCurrentInstant();
            switch (fetched)
            {
                case FetchResult.NotModified:
                    calendar.Synced(null, null, now, now + Refresh);
                    succeeded = true;
                    break;
                case FetchResult.Fetched page:
                    var zone = TimeZones.Get(schedule?.TimeZoneId ?? "UTC");
                    var horizonEnd = (schedule?.RulesOver(offerRules.SiteDefaults) ?? offerRules.SiteDefaults).StartsBefore(now) + Duration.FromDays(1);
                    var read = BusyTimes.Read(page.Text, zone, now, horizonEnd);
                    if (read.Problem is not null)
                    {
                        calendar.SyncFailed(read.Problem, now, now + Refresh);
                        succeeded = false;
                        break;
                    }
                    changed = await ReplaceBusyAsync(calendar, read.Busy, now, ct);
                    if (read.OwnFeed) calendar.SyncFailed("This is your own Consulting feed: its times are your bookings already, so it is ignored. Remove it.", now, now + Refresh);
                    else calendar.Synced(page.ETag, page.LastModified, now, now + Refresh);
                    succeeded = !read.OwnFeed;
                    break;
                case FetchResult.Failed failed:
                    calendar.SyncFailed(failed.Problem, now, now + Refresh);
                    succeeded = false;
                    break;
                default:
                    throw new InvalidOperationException("Unknown fetch result.");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Syncing calendar {CalendarId} failed unexpectedly", calendar.Id);
            db.ChangeTracker.Clear();
            calendar = await db.ExternalCalendars.SingleAsync(c => c.Id == lease.Key, ct);
            addresses.ProtectIfPlain(calendar);
            now = clock.GetCurrentInstant();
            calendar.SyncFailed("The calendar couldn’t be read this time; it will be tried again.", now, now + Table.Retry.DelayAfter(1));
            succeeded = false;
        }
        if (changed && schedule is not null) await jobs.StageReconcileAsync(schedule, "calendar", ct);
        var saved = await lease.CompleteAsync(ct);
        if (saved && changed) jobs.Wake();
        if (!succeeded) log.LogInformation("Calendar {CalendarId} of {SpecialistId} did not sync: {Problem}", calendar.Id, calendar.SpecialistId, calendar.LastError);
        return saved && succeeded;
    }

    /// <summary>Tracks the replacement of the calendar's future busy periods; false when they are the same.</summary>
    private async Task<bool> ReplaceBusyAsync(ExternalCalendar calendar, IReadOnlyList<BusyInterval> busy, Instant now, CancellationToken ct)
    {
        var stored = await db.BusyPeriods.Where(b => b.CalendarId == calendar.Id).OrderBy(b => b.Start).ToListAsync(ct);
        var current = stored.Where(b => b.End > now).Select(b => new BusyInterval(b.Start, b.End)).ToList();
        var past = stored.Count - current.Count;
        if (past == 0 && current.SequenceEqual(busy)) return false;
        db.BusyPeriods.RemoveRange(stored);
        db.BusyPeriods.AddRange(busy.Select(b => BusyPeriod.Create(calendar.SpecialistId, calendar.Id, b.Start, b.End)));
        return !current.SequenceEqual(busy);
    }

    private async Task StageReconcileAsync(Guid specialistId, CancellationToken ct)
    {
        if (await db.Schedules.AsNoTracking().SingleOrDefaultAsync(s => s.SpecialistId == specialistId, ct) is { } schedule)
            await jobs.StageReconcileAsync(schedule, "calendar", ct);
    }

    /// <summary>The specialist's own feed (<c>/calendar/{slug}/{secret}.ics</c>), on whatever host it was copied from.</summary>
    internal static bool IsOwnFeed(Uri uri, string slug)
    {
        var match = FeedPath().Match(uri.AbsolutePath);
        return match.Success && string.Equals(Uri.UnescapeDataString(match.Groups[1].Value), slug, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^/calendar/([^/]+)/[^/]+\.ics$", RegexOptions.IgnoreCase)]
    private static partial Regex FeedPath();
}

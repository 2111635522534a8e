using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Consulting.Web.Specialists;

/// <param name="NextOpen">The start of their first open time; null: nothing a customer can book now.</param>
public sealed record DirectoryEntry(
    Guid Id, string Slug, string DisplayName, string Headline, string? PhotoUrl, string TimeZoneId,
    Money? PriceFrom, double? AverageRating, int ReviewCount, NodaTime.Instant? NextOpen)
{
    public bool IsBookable => NextOpen is not null;
}

/// <param name="PricesVary">Some weekly hours have a price of their own, so <paramref name="PriceFrom"/> is the lowest of several.</param>
public sealed record PublicProfile(SpecialistProfile Profile, Money? PriceFrom, double? AverageRating, int ReviewCount, bool PricesVary = false);

/// <summary>The specialist directory on the home page, and each specialist's public profile.</summary>
public sealed class SpecialistDirectory(AppDbContext db, Bookings.OpenSlots openSlots, IMemoryCache cache)
{
    /// <summary>A specialist's public profile, in one query, kept briefly: every visit to their page asks.</summary>
    public async Task<PublicProfile?> ProfileAsync(string slug, CancellationToken ct)
    {
        var key = ProfileKey(slug);
        if (cache.TryGetValue(key, out PublicProfile? cached)) return cached;
        var row = await (
            from p in db.Specialists.AsNoTracking()
            where p.Slug == slug && p.ClosedAt == null
            join s in db.Schedules on p.Id equals s.SpecialistId into schedules
            from s in schedules.DefaultIfEmpty()
            select new
            {
                Profile = p,
                Price = s == null ? (long?)null : s.DefaultPriceMinor,
                WindowPrice = s == null ? null : s.Windows.Where(w => w.PriceMinor != null).Min(w => w.PriceMinor),
                PricesVary = s != null && s.Windows.Any(w => w.PriceMinor != null && w.PriceMinor != s.DefaultPriceMinor),
                Currency = s == null ? null : s.Currency,
                Rating = db.Reviews.Where(r => r.SpecialistId == p.Id && !r.IsHidden).Average(r => (double?)r.Rating),
                Count = db.Reviews.Count(r => r.SpecialistId == p.Id && !r.IsHidden),
            }).SingleOrDefaultAsync(ct);
        var profile = row is null ? null
            : new PublicProfile(row.Profile, PriceFrom(row.Price, row.WindowPrice, row.Currency), row.Rating, row.Count, row.PricesVary);
        cache.Set(key, profile, TimeSpan.FromSeconds(10));
        return profile;
    }

    /// <summary>Drops the kept profile after a change the public should see at once (e.g. a new review).</summary>
    public void Forget(string slug) => cache.Remove(ProfileKey(slug));

    private static string ProfileKey(string slug) => "profile:" + slug;

    /// <summary>Every specialist, those a customer can book now first, each group by name.</summary>
    public async Task<IReadOnlyList<DirectoryEntry>> ListAsync(CancellationToken ct)
    {
        var open = openSlots.QueryOneSpecialist();
        var rows = await (
            from p in db.Specialists
            where p.ClosedAt == null
            join s in db.Schedules on p.Id equals s.SpecialistId into schedules
            from s in schedules.DefaultIfEmpty()
            orderby p.DisplayName
            select new
            {
                p.Id, p.Slug, p.DisplayName, p.Headline, p.PhotoUrl, p.TimeZoneId,
                Price = s == null ? (long?)null : s.DefaultPriceMinor,
                WindowPrice = s == null ? null : s.Windows.Where(w => w.PriceMinor != null).Min(w => w.PriceMinor),
                Currency = s == null ? null : s.Currency,
                Rating = db.Reviews.Where(r => r.SpecialistId == p.Id && !r.IsHidden).Average(r => (double?)r.Rating),
                Count = db.Reviews.Count(r => r.SpecialistId == p.Id && !r.IsHidden),
                NextOpen = open.Where(o => o.SpecialistId == p.Id).OrderBy(o => o.Start).Select(o => (NodaTime.Instant?)o.Start).FirstOrDefault(),
            }).ToListAsync(ct);

        return rows.Select(r => new DirectoryEntry(r.Id, r.Slug, r.DisplayName, r.Headline, r.PhotoUrl, r.TimeZoneId,
                PriceFrom(r.Price, r.WindowPrice, r.Currency), r.Rating, r.Count, r.NextOpen))
            .OrderBy(e => e.IsBookable ? 0 : 1).ToList();
    }

    /// <summary>The lowest price of the weekly hours: the default, or a window's own if lower.</summary>
    private static Money? PriceFrom(long? defaultPrice, long? lowestWindowPrice, string? currency) =>
        defaultPrice is { } minor && currency is { } cur ? new Money(Math.Min(minor, lowestWindowPrice ?? minor), cur) : null;
}

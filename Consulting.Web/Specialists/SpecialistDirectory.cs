using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Consulting.Web.Specialists;

public sealed record DirectoryEntry(
    Guid Id, string Slug, string DisplayName, string Headline, string? PhotoUrl, string TimeZoneId,
    Money? PriceFrom, double? AverageRating, int ReviewCount);

public sealed record PublicProfile(SpecialistProfile Profile, Money? PriceFrom, double? AverageRating, int ReviewCount);

/// <summary>The specialist directory on the home page, and each specialist's public profile.</summary>
public sealed class SpecialistDirectory(AppDbContext db, IMemoryCache cache)
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
                Currency = s == null ? null : s.Currency,
                Rating = db.Reviews.Where(r => r.SpecialistId == p.Id && !r.IsHidden).Average(r => (double?)r.Rating),
                Count = db.Reviews.Count(r => r.SpecialistId == p.Id && !r.IsHidden),
            }).SingleOrDefaultAsync(ct);
        var profile = row is null ? null : new PublicProfile(row.Profile,
            row.Price is { } minor && row.Currency is { } cur ? new Money(minor, cur) : null, row.Rating, row.Count);
        cache.Set(key, profile, TimeSpan.FromSeconds(10));
        return profile;
    }

    /// <summary>Drops the kept profile after a change the public should see at once (e.g. a new review).</summary>
    public void Forget(string slug) => cache.Remove(ProfileKey(slug));

    private static string ProfileKey(string slug) => "profile:" + slug;

    public async Task<IReadOnlyList<DirectoryEntry>> ListAsync(CancellationToken ct)
    {
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
                Currency = s == null ? null : s.Currency,
                Rating = db.Reviews.Where(r => r.SpecialistId == p.Id && !r.IsHidden).Average(r => (double?)r.Rating),
                Count = db.Reviews.Count(r => r.SpecialistId == p.Id && !r.IsHidden),
            }).ToListAsync(ct);

        return rows.Select(r => new DirectoryEntry(r.Id, r.Slug, r.DisplayName, r.Headline, r.PhotoUrl, r.TimeZoneId,
            r.Price is { } minor && r.Currency is { } cur ? new Money(minor, cur) : null, r.Rating, r.Count)).ToList();
    }
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Specialists;

public sealed record DirectoryEntry(
    Guid Id, string Slug, string DisplayName, string Headline, string? PhotoUrl, string TimeZoneId,
    Money? PriceFrom, double? AverageRating, int ReviewCount);

public sealed record PublicProfile(SpecialistProfile Profile, Money? PriceFrom, double? AverageRating, int ReviewCount);

/// <summary>The specialist directory on the home page, and each specialist's public profile.</summary>
public sealed class SpecialistDirectory(AppDbContext db)
{
    public async Task<PublicProfile?> ProfileAsync(string slug, CancellationToken ct)
    {
        var profile = await db.Specialists.AsNoTracking().SingleOrDefaultAsync(p => p.Slug == slug, ct);
        if (profile is null) return null;
        var schedule = await db.Schedules.AsNoTracking().Where(s => s.SpecialistId == profile.Id)
            .Select(s => new { s.DefaultPriceMinor, s.Currency }).SingleOrDefaultAsync(ct);
        var reviews = db.Reviews.Where(r => r.SpecialistId == profile.Id && !r.IsHidden);
        var rating = await reviews.AverageAsync(r => (double?)r.Rating, ct);
        var count = await reviews.CountAsync(ct);
        return new PublicProfile(profile, schedule is null ? null : new Money(schedule.DefaultPriceMinor, schedule.Currency), rating, count);
    }

    public async Task<IReadOnlyList<DirectoryEntry>> ListAsync(CancellationToken ct)
    {
        var rows = await (
            from p in db.Specialists
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

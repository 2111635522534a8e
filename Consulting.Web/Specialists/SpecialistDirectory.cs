using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Specialists;

public sealed record DirectoryEntry(
    Guid Id, string Slug, string DisplayName, string Headline, string? PhotoUrl, string TimeZoneId,
    Money? PriceFrom, double? AverageRating, int ReviewCount);

/// <summary>The specialist directory on the home page.</summary>
public sealed class SpecialistDirectory(AppDbContext db)
{
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

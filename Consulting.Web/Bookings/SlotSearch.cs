using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Bookings;

public sealed record SearchFilters(LocalDate From, LocalDate To, int LengthMinutes, Money? MaxPrice, int Page);

public sealed record SearchRow(SlotCell Cell, string SpecialistName, string SpecialistSlug, string Headline);

public sealed record SearchResults(IReadOnlyList<SearchRow> Rows, int Total, int Page, int PageCount);

/// <summary>Open slots across all specialists, filtered, in the viewer's zone, a page at a time.</summary>
public sealed class SlotSearch(AppDbContext db, OpenSlots openSlots)
{
    public const int PageSize = 20;
    public const int MaxRangeDays = 92;

    public async Task<SearchResults> SearchAsync(SearchFilters f, string viewerZoneId, CancellationToken ct)
    {
        var zone = TimeZones.Get(viewerZoneId);
        var from = zone.AtStartOfDay(f.From).ToInstant();
        var to = zone.AtStartOfDay(f.To.PlusDays(1)).ToInstant();
        var slots = openSlots.Query().Where(s => s.Start >= from && s.Start < to);
        if (f.LengthMinutes > 0)
        {
            var ticks = f.LengthMinutes * NodaConstants.TicksPerMinute;
            slots = slots.Where(s => EF.Property<long>(s, Slot.LengthTicksColumn) == ticks);
        }
        if (f.MaxPrice is { } max)
            slots = slots.Where(s => s.Currency == max.Currency && s.PriceMinor <= max.Minor);

        var total = await slots.CountAsync(ct);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        var page = Math.Clamp(f.Page, 1, pageCount);
        var rows = await (from s in slots
                          join p in db.Specialists on s.SpecialistId equals p.Id
                          orderby s.Start, p.DisplayName
                          select new { Slot = s, p.DisplayName, p.Slug, p.Headline })
            .Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return new SearchResults(
            rows.Select(r => new SearchRow(SlotCell.For(OpenSlots.ToOpen(r.Slot), zone), r.DisplayName, r.Slug, r.Headline)).ToList(),
            total, page, pageCount);
    }
}

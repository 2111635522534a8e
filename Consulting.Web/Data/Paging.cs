using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Data;

/// <summary>One page of a longer list; <see cref="Page"/> is clamped into 1..<see cref="PageCount"/>.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Rows, int Total, int Page, int PageCount)
{
    public Paged<TOut> Map<TOut>(Func<T, TOut> map) => new(Rows.Select(map).ToList(), Total, Page, PageCount);
}

public static class Paging
{
    /// <summary>Counts, then reads the asked page of an ordered query (an out-of-range page shows the nearest one).</summary>
    public static async Task<Paged<T>> ToPageAsync<T>(this IQueryable<T> ordered, int page, int pageSize, CancellationToken ct)
    {
        var total = await ordered.CountAsync(ct);
        var pageCount = Math.Max(1, (total + pageSize - 1) / pageSize);
        page = Math.Clamp(page, 1, pageCount);
        var rows = await ordered.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new Paged<T>(rows, total, page, pageCount);
    }
}

using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Specialists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using NodaTime;

namespace Consulting.Web.Reviews;

/// <summary>A review as the public sees it: the author's first name and initial only.</summary>
public sealed record PublicReview(Guid Id, string Author, int Rating, string Text, Instant CreatedAt, bool Edited)
{
    public static string ShortName(string fullName)
    {
        var parts = fullName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            0 => "A customer",
            1 => parts[0],
            _ => $"{parts[0]} {char.ToUpperInvariant(parts[^1][0])}.",
        };
    }
}

public enum ModerationFilter { Reported, Hidden, All }

public sealed record ModerationRow(Review Review, string SpecialistName, string SpecialistSlug, string CustomerEmail);

/// <summary>Why a review was not saved: the message and the field it is about (if any).</summary>
public sealed record ReviewProblem(string Message, string? Field);

/// <summary>Writing, editing, reporting and moderating reviews, and the public lists on a specialist's pages.</summary>
public sealed class ReviewService(AppDbContext db, SpecialistDirectory directory, IMemoryCache cache, IClock clock)
{
    public const int PageSize = 10;
    public const int LatestCount = 5;

    public Task<Review?> ForBookingAsync(Guid bookingId, CancellationToken ct) =>
        db.Reviews.AsNoTracking().SingleOrDefaultAsync(r => r.BookingId == bookingId, ct);

    /// <summary>
    /// The booking's one review: written the first time, edited afterwards (for 7 days). The caller
    /// has already checked that the author may open the booking (its customer or its signed link).
    /// </summary>
    /// <returns>Empty when saved; otherwise every problem at once (both fields when both are wrong).</returns>
    public async Task<IReadOnlyList<ReviewProblem>> SubmitAsync(Guid bookingId, string? authorUserId, int? rating, string? text, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null) return [new ReviewProblem("That booking doesn't exist.", null)];
        var specialist = await db.Specialists.AsNoTracking().SingleAsync(s => s.Id == booking.SpecialistId, ct);
        var now = clock.GetCurrentInstant();
        var review = await db.Reviews.SingleOrDefaultAsync(r => r.BookingId == bookingId, ct);
        try
        {
            if (review is null)
            {
                // The specialist is told with it (Notifications/Notifier, as a consequence).
                db.Reviews.Add(Review.Write(booking, specialist.UserId, authorUserId, rating ?? 0, text, now));
            }
            else if (authorUserId is not null && authorUserId == specialist.UserId)
                return [new ReviewProblem("Specialists can't review their own sessions.", null)];
            else review.Edit(rating ?? 0, text, now);
            await db.SaveChangesAsync(ct);
        }
        catch (DomainException e)
        {
            db.ChangeTracker.Clear();
            // A field's refusal is the first of the content's problems: all of them are said together.
            return e.Field is null ? [new ReviewProblem(e.Message, null)]
                : Review.ContentErrors(rating ?? 0, text).Select(p => new ReviewProblem(p.Message, p.Field)).ToList();
        }
        catch (DbUpdateException)
        {
            // The unique index on BookingId: a second tab wrote the review a moment earlier.
            db.ChangeTracker.Clear();
            return [new ReviewProblem("This session already has a review; open the page again to edit it.", null)];
        }
        Forget(specialist);
        return [];
    }

    /// <summary>The newest visible reviews for the profile page, kept briefly since every visit asks.</summary>
    public async Task<IReadOnlyList<PublicReview>> LatestAsync(Guid specialistId, CancellationToken ct) =>
        await cache.GetOrCreateAsync(LatestKey(specialistId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(10);
            return (await PageAsync(specialistId, 1, LatestCount, ct)).Rows;
        }) ?? [];

    public Task<Paged<PublicReview>> PageAsync(Guid specialistId, int page, CancellationToken ct) =>
        PageAsync(specialistId, page, PageSize, ct);

    /// <summary>Anyone signed in may report a visible review; an admin then hides it or dismisses the report.</summary>
    public async Task<bool> ReportAsync(Guid specialistId, Guid reviewId, string? reason, CancellationToken ct)
    {
        var review = await db.Reviews.SingleOrDefaultAsync(r => r.Id == reviewId && r.SpecialistId == specialistId && !r.IsHidden, ct);
        if (review is null) return false;
        review.Report(reason, clock.GetCurrentInstant());
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<Paged<ModerationRow>> ModerationAsync(ModerationFilter filter, int page, CancellationToken ct)
    {
        var reviews = db.Reviews.AsNoTracking();
        reviews = filter switch
        {
            ModerationFilter.Reported => reviews.Where(r => r.ReportedAt != null && !r.IsHidden),
            ModerationFilter.Hidden => reviews.Where(r => r.IsHidden),
            _ => reviews,
        };
        var query = from r in reviews
                    join s in db.Specialists on r.SpecialistId equals s.Id
                    join b in db.Bookings on r.BookingId equals b.Id
                    orderby r.ReportedAt descending, r.CreatedAt descending
                    select new { r, s.DisplayName, s.Slug, b.CustomerEmail };
        var rows = await query.ToPageAsync(page, PageSize, ct);
        return rows.Map(x => new ModerationRow(x.r, x.DisplayName, x.Slug, x.CustomerEmail));
    }

    public enum Moderation { Hide, Unhide, DismissReport }

    public async Task<bool> ModerateAsync(Guid reviewId, Moderation action, CancellationToken ct)
    {
        var review = await db.Reviews.SingleOrDefaultAsync(r => r.Id == reviewId, ct);
        if (review is null) return false;
        switch (action)
        {
            case Moderation.Hide: review.Hide(); break;
            case Moderation.Unhide: review.Unhide(); break;
            default: review.DismissReport(); break;
        }
        await db.SaveChangesAsync(ct);
        Forget(await db.Specialists.AsNoTracking().SingleAsync(s => s.Id == review.SpecialistId, ct));
        return true;
    }

    private async Task<Paged<PublicReview>> PageAsync(Guid specialistId, int page, int pageSize, CancellationToken ct)
    {
        var rows = await db.Reviews.AsNoTracking()
            .Where(r => r.SpecialistId == specialistId && !r.IsHidden)
            // The id breaks ties, so that pages don't overlap: the database's own order of equals can change between queries.
            .OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new { r.Id, r.AuthorName, r.Rating, r.Text, r.CreatedAt, r.UpdatedAt })
            .ToPageAsync(page, pageSize, ct);
        return rows.Map(r => new PublicReview(r.Id, PublicReview.ShortName(r.AuthorName), r.Rating, r.Text, r.CreatedAt, r.UpdatedAt is not null));
    }

    /// <summary>A changed review (or profile) shows at once on the profile, its rating and the directory.</summary>
    public void Forget(SpecialistProfile specialist)
    {
        cache.Remove(LatestKey(specialist.Id));
        directory.Forget(specialist.Slug);
    }

    private static string LatestKey(Guid specialistId) => "reviews:latest:" + specialistId;
}

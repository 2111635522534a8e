using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>One review per completed booking, by that booking's customer.</summary>
public sealed class Review : EventSource
{
    public const int MaxTextLength = 2000;
    public const int MaxReportLength = 500;
    public static readonly Duration EditWindow = Duration.FromDays(7);

    public Guid Id { get; private set; }
    public Guid BookingId { get; private set; }
    public Guid SpecialistId { get; private set; }
    public string? CustomerUserId { get; private set; }
    public string AuthorName { get; private set; } = "";
    public int Rating { get; private set; }
    public string Text { get; private set; } = "";
    public Instant CreatedAt { get; private set; }
    public Instant? UpdatedAt { get; private set; }
    public Instant? ReportedAt { get; private set; }
    public string? ReportReason { get; private set; }
    public bool IsHidden { get; private set; }

    private Review() { }

    /// <param name="authorUserId">
    /// The signed-in author, or null when the customer came through the booking's signed link (the
    /// link itself proves they are the customer).
    /// </param>
    public static Review Write(Booking booking, string specialistUserId, string? authorUserId, int rating, string? text, Instant now)
    {
        if (booking.Status != BookingStatus.Completed)
            throw new DomainException("You can review a session once it has been completed.");
        if (authorUserId is not null && authorUserId == specialistUserId)
            throw new DomainException("Specialists can't review their own sessions.");
        if (authorUserId is not null && booking.CustomerUserId is not null && booking.CustomerUserId != authorUserId)
            throw new DomainException("Only the customer of this session can review it.");
        var review = new Review
        {
            Id = Guid.NewGuid(),
            BookingId = booking.Id,
            SpecialistId = booking.SpecialistId,
            CustomerUserId = booking.CustomerUserId,
            AuthorName = booking.CustomerName,
            CreatedAt = now,
        };
        review.SetContent(rating, text);
        review.Raise(new ReviewWritten(booking, review));
        return review;
    }

    public bool CanEdit(Instant now) => now - CreatedAt <= EditWindow;

    public void Edit(int rating, string? text, Instant now)
    {
        if (!CanEdit(now)) throw new DomainException("A review can be edited for 7 days after it was written.");
        SetContent(rating, text);
        UpdatedAt = now;
    }

    public void Report(string? reason, Instant now)
    {
        ReportedAt ??= now;
        // A report is a note to the administrators, taken as it comes: control characters become spaces.
        var why = PlainText.Flatten(reason ?? "").Trim();
        if (why.Length > MaxReportLength) why = why[..MaxReportLength];
        ReportReason = why.Length == 0 ? ReportReason : why;
    }

    /// <summary>An admin looked at the report and kept the review as it is.</summary>
    public void DismissReport() => (ReportedAt, ReportReason) = (null, null);

    /// <summary>The name a review shows once its author deleted their account.</summary>
    public const string AnonymousAuthor = "Anonymous";

    /// <summary>Its author deleted their account: the review stays, no longer tied to them.</summary>
    public void Anonymize() => (CustomerUserId, AuthorName) = (null, AnonymousAuthor);

    public void Hide() => IsHidden = true;

    public void Unhide() => IsHidden = false;

    /// <summary>Everything wrong with a rating and text at once (empty when both are fine), so a form can say it all in one go.</summary>
    public static IReadOnlyList<(string Field, string Message)> ContentErrors(int rating, string? text)
    {
        var errors = new List<(string, string)>();
        if (rating is < 1 or > 5) errors.Add(("Rating", "Choose between 1 and 5 stars."));
        var body = (text ?? "").Trim();
        if (!PlainText.IsMultiLine(body)) errors.Add(("Text", PlainText.MultiLineMessage));
        else if (body.Length is < 1 or > MaxTextLength) errors.Add(("Text", $"Write a few words (up to {MaxTextLength} characters)."));
        return errors;
    }

    private void SetContent(int rating, string? text)
    {
        if (ContentErrors(rating, text) is [var (field, message), ..]) throw new DomainException(message, field);
        (Rating, Text) = (rating, (text ?? "").Trim());
    }
}

using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Reviews;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Bookings;

/// <summary>
/// A booking's own page (the confirmation, and after the session its review): reached by its signed
/// link or by its signed-in customer.
/// </summary>
[BookingAccess(BookingLinks.View, BookingLinks.Manage)]
public sealed class DetailsModel(BookingService bookings, BookingChanges changes, Web.Notifications.EmailComposer calendar,
    ReviewService reviews, UserManager<Data.AppUser> users, NodaTime.IClock clock) : BookingPageModel
{
    public sealed class ReviewInput
    {
        public int? Rating { get; set; }
        public string? Text { get; set; }
    }

    [BindProperty] public ReviewInput Input { get; set; } = new();
    public Domain.Review? Review { get; private set; }
    /// <summary>The review form shows: a completed session, not yet reviewed or still within the edit window.</summary>
    public bool CanReview { get; private set; }

    public Web.Notifications.CustomerCalendar? Calendar { get; private set; }
    /// <summary>A fresh manage token while the booking can still be changed; null otherwise.</summary>
    public string? ManageToken { get; private set; }
    public bool CanReschedule { get; private set; }
    public CancellationPolicy Policy => changes.Policy;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Review is { } review) Input = new ReviewInput { Rating = review.Rating, Text = review.Text };
        return Page();
    }

    public async Task<IActionResult> OnPostReviewAsync(Guid id, CancellationToken ct)
    {
        if (await reviews.SubmitAsync(id, users.GetUserId(User), Input.Rating, Input.Text, ct) is { Count: > 0 } problems)
        {
            ModelState.Clear();
            ModelState.AddErrors(problems.Select(p => (p.Field ?? "", p.Message)));
            await LoadAsync(ct);
            return this.InvalidForm();
        }
        TempData["Flash"] = $"Thank you! Your review is on {Data.Specialist.DisplayName}'s profile.";
        return Redirect(BookingLinks.BookingPath(id, Token, "review"));
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var b = Data.Booking;
        if (b.Status is Domain.BookingStatus.Confirmed or Domain.BookingStatus.Cancelled)
            Calendar = await calendar.CustomerCalendarAsync(b.Id, ct);
        if (b.Status == Domain.BookingStatus.Confirmed && clock.GetCurrentInstant() < b.Start)
        {
            ManageToken = bookings.ManageToken(b);
            CanReschedule = changes.CanReschedule(b, Domain.ActorRole.Customer);
        }
        if (b.Status == Domain.BookingStatus.Completed)
        {
            Review = await reviews.ForBookingAsync(b.Id, ct);
            CanReview = Review?.CanEdit(clock.GetCurrentInstant()) ?? true;
        }
        Response.Headers.CacheControl = "no-store";
    }

    /// <summary>The booking's .ics (the same one its emails carry), from the same signed link.</summary>
    public async Task<IActionResult> OnGetInviteAsync(Guid id, CancellationToken ct)
    {
        if (await calendar.CustomerCalendarAsync(id, ct) is not { Ics: { } ics }) return NotFound();
        Response.Headers.CacheControl = "no-store";
        return File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar; charset=utf-8", "consulting-session.ics");
    }
}

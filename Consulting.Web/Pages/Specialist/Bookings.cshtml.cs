using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Consulting.Web.Specialists;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages.Specialist;

/// <summary>The specialist's bookings: upcoming or past, filtered, paged, with the actions after a session.</summary>
public sealed class BookingsModel(CurrentSpecialist current, SpecialistBookings bookings, BookingChanges changes,
    UserManager<Data.AppUser> users) : PageModel
{
    [BindProperty(SupportsGet = true)] public bool Past { get; set; }
    [BindProperty(SupportsGet = true)] public BookingStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public LocalDate? From { get; set; }
    [BindProperty(SupportsGet = true)] public LocalDate? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public SpecialistProfile Specialist { get; private set; } = null!;
    public Data.Paged<SpecialistBookingRow> Result { get; private set; } = null!;
    public string? Error { get; private set; }
    public NodaTime.Instant Now { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromServices] NodaTime.IClock clock, CancellationToken ct)
    {
        if (await current.GetAsync(User, ct) is not { } profile) return NotFound();
        if (!ModelState.IsValid)
        {
            Error = "Use dates like 2026-11-30 and a status from the list.";
            ModelState.Clear();
            (From, To, Status) = (null, null, null);
        }
        Specialist = profile;
        Now = clock.GetCurrentInstant();
        Result = await bookings.ListAsync(profile.Id, profile.TimeZoneId,
            new BookingFilter(Past, Status, From, To, PageNumber), ct);
        if (Error is null) return Page();
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    public Task<IActionResult> OnPostCompletedAsync(Guid bookingId, CancellationToken ct) =>
        ActAsync((id, user) => bookings.MarkCompletedAsync(id, user, bookingId, ct), "Marked as completed; the customer is invited to review.", ct);

    public Task<IActionResult> OnPostNoShowAsync(Guid bookingId, CancellationToken ct) =>
        ActAsync((id, user) => bookings.MarkNoShowAsync(id, user, bookingId, ct), "Marked as a no-show.", ct);

    public Task<IActionResult> OnPostRecordingAsync(Guid bookingId, string? recordingUrl, CancellationToken ct) =>
        ActAsync((id, _) => bookings.AddRecordingAsync(id, bookingId, recordingUrl, ct), "Recording link sent to the customer.", ct);

    public Task<IActionResult> OnPostCancelAsync(Guid bookingId, CancellationToken ct) =>
        ActAsync(async (id, user) =>
        {
            if (!await bookings.OwnsAsync(id, bookingId, ct)) return SpecialistBookings.NotFound;
            return await changes.CancelAsync(bookingId, Actor.Specialist(user), "Cancelled by the specialist", ct) switch
            {
                ChangeOutcome.Refused r => r.Message,
                _ => null,
            };
        }, CancellationPolicy.SpecialistCancelled, ct);

    public string ListUrl(int page) => Url.Page("/Specialist/Bookings", new { Past, Status, From = TimeInput.Format(From), To = TimeInput.Format(To), p = page })!;

    /// <summary>An action form's route: the booking, and the list's filters so the specialist lands back on the same list.</summary>
    public Dictionary<string, string> ActionRoute(Guid bookingId) => new[]
        {
            ("bookingId", bookingId.ToString()), ("Past", Past ? "true" : null), ("Status", Status?.ToString()), ("From", TimeInput.Format(From)),
            ("To", TimeInput.Format(To)), ("p", PageNumber > 1 ? PageNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : null),
        }
        .Where(x => x.Item2 is not null).ToDictionary(x => x.Item1, x => x.Item2!);

    private async Task<IActionResult> ActAsync(Func<Guid, string, Task<string?>> action, string done, CancellationToken ct)
    {
        if (await current.GetAsync(User, ct) is not { } profile) return NotFound();
        var error = await action(profile.Id, users.GetUserId(User)!);
        if (error == SpecialistBookings.NotFound) return NotFound();
        TempData["Flash"] = error ?? done;
        return Redirect(ListUrl(PageNumber));
    }
}

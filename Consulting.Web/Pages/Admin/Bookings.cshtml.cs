using Consulting.Web.Bookings;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages.Admin;

/// <summary>All bookings with filters (status, specialist, dates in UTC, customer) and paging.</summary>
public sealed class BookingsModel(AdminBookings bookings) : PageModel
{
    [BindProperty(SupportsGet = true)] public BookingStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Specialist { get; set; }
    [BindProperty(SupportsGet = true)] public LocalDate? From { get; set; }
    [BindProperty(SupportsGet = true)] public LocalDate? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Customer { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public Paged<AdminBookingRow> Result { get; private set; } = null!;
    public IReadOnlyList<SpecialistOption> Specialists { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid || Customer is { Length: > 200 })
        {
            Error = "Use dates like 2026-11-30, a status and a specialist from the lists, and a shorter customer search.";
            ModelState.Clear();
            (Status, Specialist, From, To, Customer) = (null, null, null, null, null);
        }
        Specialists = await bookings.SpecialistsAsync(ct);
        Result = await bookings.ListAsync(new BookingFilter(null, Status, From, To, PageNumber),
            Specialist, Customer, ct);
        var page = Page();
        if (Error is not null) page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    public string PageUrl(int page) => Url.Page("/Admin/Bookings",
        new { Status, Specialist, From = TimeInput.Format(From), To = TimeInput.Format(To), Customer, p = page })!;
}

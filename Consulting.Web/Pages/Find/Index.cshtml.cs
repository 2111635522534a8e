using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Scheduling;
using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages.Find;

/// <summary>Find a time across all specialists: date range, session length, maximum price, 20 a page.</summary>
public sealed class IndexModel(SlotSearch search, IClock clock) : PageModel
{
    public static readonly int[] Lengths = [15, 30, 45, 60, 90, 120];

    [BindProperty(SupportsGet = true)] public LocalDate? From { get; set; }
    [BindProperty(SupportsGet = true)] public LocalDate? To { get; set; }
    [BindProperty(SupportsGet = true)] public int? Length { get; set; }
    [BindProperty(SupportsGet = true)]
    [CurrencyFrom(nameof(Currency), AmountMessage = InputMessages.Amount, CurrencyMessage = InputMessages.AmountCurrency)]
    public Money? MaxPrice { get; set; }
    [BindProperty(SupportsGet = true)] public string? Currency { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int? PageNumber { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tz { get; set; }

    public ViewerZone Zone { get; private set; } = null!;
    public SearchResults? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Zone = await ViewerZones.ResolveAsync(HttpContext, Tz);
        ViewerZones.Remember(HttpContext, Zone);
        ViewData["ViewerZone"] = Zone;

        var today = clock.GetCurrentInstant().InZone(TimeZones.Get(Zone.Id)).Date;
        var filters = ReadFilters(today);
        if (filters is not null) Results = await search.SearchAsync(filters, Zone.Id, ct);
        // In the error summary with the filters' messages; the search itself ran in the zone used instead.
        if (Zone.RejectedMessage is { } zoneError) ModelState.AddModelError("tz", zoneError);

        if (Request.IsHtmx())
        {
            Response.Headers.Vary = "HX-Request";
            return Partial("_Search", this);
        }
        if (filters is null) return this.InvalidForm();
        return Page();
    }

    /// <summary>The query-string filters, or null (with messages beside the fields) when they don't make sense.</summary>
    private SearchFilters? ReadFilters(LocalDate today)
    {
        // A refused date has its message already; an empty one is the default.
        LocalDate? from = Refused(nameof(From)) ? null : From ?? today;
        LocalDate? to = Refused(nameof(To)) ? null : To ?? today.PlusDays(13);
        if (from is { } f && to is { } t)
        {
            if (t < f) ModelState.AddModelError(nameof(To), "The last day must be on or after the first.");
            else if (Period.Between(f, t, PeriodUnits.Days).Days >= SlotSearch.MaxRangeDays)
                ModelState.AddModelError(nameof(To), $"Search at most {SlotSearch.MaxRangeDays} days at a time.");
        }
        if (Length is { } l && l != 0 && !Lengths.Contains(l)) ModelState.AddModelError(nameof(Length), "Choose a session length from the list.");
        if (!ModelState.IsValid) return null;
        (From, To) = (from, to);
        return new SearchFilters(from!.Value, to!.Value, Length ?? 0, MaxPrice, Math.Max(1, PageNumber ?? 1));
    }

    private bool Refused(string field) => ModelState.GetFieldValidationState(field) == ModelValidationState.Invalid;

    public string PageUrl(int page) => Url.Page("/Find/Index", new
    {
        From = TimeInput.Format(From), To = TimeInput.Format(To), Length = Length is > 0 ? Length : null,
        MaxPrice = MaxPrice is { } max ? Currencies.FormatMajor(max) : null, Currency = string.IsNullOrWhiteSpace(Currency) ? null : Currency, p = page, tz = Zone.Source == ZoneSource.Picked ? Zone.Id : null,
    })!;
}

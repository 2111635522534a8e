using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Consulting.Web.Domain;

namespace Consulting.Tests.Support.PageObjects;

/// <summary>
/// A specialist's public page over HTTP: the profile and a week of open times, each time a button of the
/// week form. Also the reschedule page, which offers times in the same week form.
/// </summary>
public sealed class OpenTimesPage(HttpClient client, IHtmlDocument document) : HttpPage(client, document)
{
    private const string WeekForm = "form.week-grid";

    /// <summary>The page's address; <paramref name="week"/> is a Monday as yyyy-MM-dd, <paramref name="zone"/> what the visitor typed.</summary>
    public static string Address(string slug, string? week = null, string? zone = null)
    {
        var query = new List<string>();
        if (week is not null) query.Add("week=" + week);
        if (zone is not null) query.Add("tz=" + Uri.EscapeDataString(zone));
        return $"/specialists/{slug}" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    public static async Task<OpenTimesPage> OpenAsync(HttpClient client, string slug, string? week = null, string? zone = null) =>
        await OpenAtAsync(client, Address(slug, week, zone));

    /// <summary>Opens the page at a full address (a link the app gave, a redirect's target).</summary>
    public static async Task<OpenTimesPage> OpenAtAsync(HttpClient client, string url) => new(client, await client.GetPageAsync(url));

    public static async Task<OpenTimesPage> ReadAsync(HttpClient client, HttpResponseMessage response) =>
        new(client, await Html.ParseAsync(response));

    /// <summary>Clicks the time's button: a hold (redirect to checkout), or a refusal.</summary>
    public Task<HttpResponseMessage> ChooseAsync(Guid slotId) =>
        SubmitAsync(WeekForm, new Dictionary<string, string> { ["slotId"] = slotId.ToString() });

    public Task<HttpResponseMessage> ChooseAsync(Slot slot) => ChooseAsync(slot.Id);

    /// <summary>Chooses the time and fails unless it was held; the checkout page that follows.</summary>
    public async Task<CheckoutPage> HoldAsync(Slot slot) => new(Client, await FollowAsync(Client, await ChooseAsync(slot)));

    /// <summary>The week form's antiforgery token and address, for hand-made concurrent posts.</summary>
    public (string Token, string Action) HoldForm => (
        Document.QuerySelector($"{WeekForm} input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        Document.QuerySelector(WeekForm)!.GetAttribute("action")!);

    /// <summary>The times the week offers (each a button of the week form).</summary>
    public IReadOnlyList<Guid> OfferedSlotIds =>
        Document.QuerySelectorAll($"{WeekForm} button[name=slotId]").Select(b => Guid.Parse(b.GetAttribute("value")!)).ToList();

    /// <summary>The slot id of every time button on the page, the week's and the notice's.</summary>
    public IReadOnlyList<string> SlotButtonIds => Document.QuerySelectorAll(".slot-button").Select(b => b.GetAttribute("value") ?? "").ToList();

    /// <summary>Every time shown on the page, as the visitor reads it ("23:00 JST").</summary>
    public IReadOnlyList<string> SlotTimes => Document.QuerySelectorAll(".slot-time").Select(e => e.Text()).ToList();

    /// <summary>The times shown on the week's <paramref name="day"/>-th day (0 is the first day shown).</summary>
    public IReadOnlyList<string> SlotTimesOn(int day) => Day(day).QuerySelectorAll(".slot-time").Select(e => e.Text()).ToList();

    public int SlotCountOn(int day) => Day(day).QuerySelectorAll(".slot-button").Length;

    /// <summary>The day's name and date, and the first time's price line, as shown.</summary>
    public string DayName(int day) => Day(day).QuerySelector(".week-day-name").Text();

    public string FirstSlotMetaOn(int day) => Day(day).QuerySelector(".slot-meta").Text();

    public string WeekTitle => Document.GetElementById("week-title").Text();

    /// <summary>The "This time was just taken" heading, or null when the page has no such notice.</summary>
    public string? TakenHeading => Document.GetElementById("taken-heading")?.Text();

    /// <summary>The nearest open times the just-taken notice offers instead.</summary>
    public IReadOnlyList<string> NearestSlotIds =>
        Document.QuerySelectorAll(".notice .slot-button").Select(b => b.GetAttribute("value")!).ToList();

    /// <summary>The zone the times are shown in ("Tokyo (UTC+09:00)").</summary>
    public string ZoneLabel => Document.QuerySelector("[data-zone-label]").Text();

    /// <summary>What an empty week says instead of times, and its "Next available" link (null if none).</summary>
    public string EmptyWeek => Document.QuerySelector(".week-empty").Text();

    public IElement? NextAvailableLink => Document.QuerySelector(".week-empty a");

    private IElement Day(int index) => Document.QuerySelectorAll(".week-day")[index];
}

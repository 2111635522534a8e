using AngleSharp.Html.Dom;

namespace Consulting.Tests.Support.PageObjects;

/// <summary>A page about one booking's time: both the customer's and the specialist's view of it.</summary>
public abstract class BookingTimePage(HttpClient client, IHtmlDocument document) : HttpPage(client, document)
{
    /// <summary>The time in the customer's zone ("Mon 9 Nov 2026, 23:00 JST (Tokyo)").</summary>
    public string CustomerTime => Document.QuerySelector(".time-customer").Text();

    /// <summary>The time in the specialist's zone.</summary>
    public string SpecialistTime => Document.QuerySelector(".time-specialist").Text();

    /// <summary>The banner that says no real money moves, or "" without one.</summary>
    public string TestModeBanner => Document.QuerySelector(".test-mode-banner").Text();
}

/// <summary>Checkout over HTTP: the held time and the customer's details form.</summary>
public sealed class CheckoutPage(HttpClient client, IHtmlDocument document) : BookingTimePage(client, document)
{
    public const string Name = "Input.Name";
    public const string Email = "Input.Email";
    public const string Phone = "Input.Phone";
    public const string Notes = "Input.Notes";
    private const string DetailsForm = "main form";

    public static async Task<CheckoutPage> OpenAtAsync(HttpClient client, string url) => new(client, await client.GetPageAsync(url));

    /// <summary>The page a refused submission rendered.</summary>
    public static async Task<CheckoutPage> ReadAsync(HttpClient client, HttpResponseMessage response) =>
        new(client, await Html.ParseAsync(response));

    /// <summary>Fills in the details (a null field is left as rendered) and presses "Continue to payment".</summary>
    public Task<HttpResponseMessage> SubmitDetailsAsync(string? name, string? email, string? phone = null, string? notes = null)
    {
        var values = new Dictionary<string, string>();
        if (name is not null) values[Name] = name;
        if (email is not null) values[Email] = email;
        if (phone is not null) values[Phone] = phone;
        if (notes is not null) values[Notes] = notes;
        return SubmitAsync(DetailsForm, values);
    }

    /// <summary>Gives the details and fails unless the app moved on to the test card page, which it returns.</summary>
    public async Task<TestCardPage> ContinueToTestCardAsync(string name, string email, string? phone = null, string? notes = null)
    {
        var response = await SubmitDetailsAsync(name, email, phone, notes);
        var url = response.Headers.Location?.OriginalString;
        return new TestCardPage(Client, await FollowAsync(Client, response), url ?? "");
    }
}

/// <summary>The test card page over HTTP (payments in test mode): card fields and the pay button.</summary>
public sealed class TestCardPage(HttpClient client, IHtmlDocument document, string address) : BookingTimePage(client, document)
{
    public const string Number = "Card.Number";
    public const string Expiry = "Card.Expiry";
    public const string Cvc = "Card.Cvc";
    public const string GoodCard = "4242 4242 4242 4242";
    public const string DeclinedCard = "4000 0000 0000 0002";
    private const string CardForm = "main form";

    /// <summary>Where this page lives (a signed link), to come back to it later.</summary>
    public string Address { get; } = address;

    public static async Task<TestCardPage> OpenAtAsync(HttpClient client, string url) => new(client, await client.GetPageAsync(url), url);

    public static async Task<TestCardPage> ReadAsync(HttpClient client, HttpResponseMessage response, string address) =>
        new(client, await Html.ParseAsync(response), address);

    /// <summary>Types the card and presses Pay: a redirect to the booking when paid, the page again when not.</summary>
    public Task<HttpResponseMessage> PayAsync(string number, string expiry = "12/34", string cvc = "123") =>
        SubmitAsync(CardForm, new Dictionary<string, string> { [Number] = number, [Expiry] = expiry, [Cvc] = cvc });

    public Task<HttpResponseMessage> PayWithTestCardAsync() => PayAsync(GoodCard);

    /// <summary>Pays with the test card and fails unless the app confirmed; the booking page that follows.</summary>
    public async Task<BookingStatusPage> PayWithTestCardOrFailAsync() =>
        new(Client, await FollowAsync(Client, await PayWithTestCardAsync()));
}

/// <summary>The outcome: the booking's own page (status, meeting link, times).</summary>
public sealed class BookingStatusPage(HttpClient client, IHtmlDocument document) : BookingTimePage(client, document)
{
    public static async Task<BookingStatusPage> OpenAtAsync(HttpClient client, string url) => new(client, await client.GetPageAsync(url));

    /// <summary>"You're booked with …", or what else became of the booking.</summary>
    public string StatusHeading => Document.GetElementById("status-heading").Text();

    /// <summary>Where the meeting link points, or null when the page has none.</summary>
    public string? MeetingLink => Document.QuerySelector(".meeting-link")?.GetAttribute("href");

    /// <summary>The one-time message after a change ("We're refunding …"), and a cancelled booking's note.</summary>
    public string Flash => Document.QuerySelector(".flash").Text();

    public string CancelNote => Document.QuerySelector(".cancel-note").Text();
}

/// <summary>Cancelling a booking through its signed manage link: the refund it will get, an optional reason, the button.</summary>
public sealed class CancelBookingPage(HttpClient client, IHtmlDocument document) : HttpPage(client, document)
{
    private const string CancelForm = "main form";

    public static string Address(Guid bookingId, string manageToken) => $"/bookings/{bookingId:N}/cancel?t={Uri.EscapeDataString(manageToken)}";

    public static async Task<CancelBookingPage> OpenAsync(HttpClient client, Guid bookingId, string manageToken) =>
        new(client, await client.GetPageAsync(Address(bookingId, manageToken)));

    /// <summary>What the customer will get back if they cancel now.</summary>
    public string RefundPreview => Document.QuerySelector(".refund-preview").Text();

    /// <summary>Presses "Cancel booking", with a reason when given.</summary>
    public Task<HttpResponseMessage> CancelAsync(string? reason = null) =>
        SubmitAsync(CancelForm, reason is null ? null : new Dictionary<string, string> { ["Reason"] = reason });
}

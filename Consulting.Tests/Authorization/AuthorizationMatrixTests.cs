using System.Collections.Immutable;
using System.Net;
using Consulting.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using static Consulting.Tests.Authorization.Outcome;

namespace Consulting.Tests.Authorization;

/// <summary>
/// Every endpoint of the app (each page handler, each method of the other endpoints) visited by
/// anonymous, customers A and B, specialists X and Y and the admin. Rows address A's and X's
/// things, so B and Y show what a stranger gets. An endpoint without a row fails
/// <see cref="Every_endpoint_has_exactly_one_row"/>. Static files are served before routing, so
/// they are not endpoints and have no rows.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    /// <summary>
    /// Route and handler values, unless a row gives its own: A's booking with X, X's public page
    /// and feed, and one of X's open slots. A row that changes what it touches gives a fresh one.
    /// </summary>
    private static readonly ImmutableDictionary<string, Given> Defaults = new Dictionary<string, Given>
    {
        ["id"] = w => Task.FromResult(w.BookingOfA.Id.ToString()),
        ["bookingId"] = w => Task.FromResult(w.BookingOfA.Id.ToString()),
        ["paymentId"] = w => Task.FromResult(w.PaymentOfA.ToString()),
        ["slug"] = w => Task.FromResult(w.X.Slug),
        ["secret"] = w => w.FeedSecretOfXAsync(),
        ["slotId"] = async w => (await w.FreeSlotOfXAsync()).Id.ToString(),
        ["code"] = _ => Task.FromResult("404"),
    }.ToImmutableDictionary();

    private static readonly Given HeldBookingOfA = w => Task.FromResult(w.HeldBookingOfA.Id.ToString());
    private static readonly Given AwaitingPaymentOfA = w => Task.FromResult(w.AwaitingPaymentOfA.Id.ToString());
    private static readonly Given NewBookingOfA = async w => (await w.NewBookingOfAAsync()).ToString();
    private static readonly Given NewReviewOfX = async w => (await w.NewReviewOfXAsync()).ToString();

    private static readonly Outcome ToHome = RedirectTo("/");
    private static readonly Outcome ToCheckout = RedirectTo("/checkout");
    private static readonly Outcome ToNotifications = RedirectTo("/notifications");
    private static readonly Outcome ToAvailability = RedirectTo("/specialist/availability");
    private static readonly Outcome ToBookings = RedirectTo("/specialist/bookings");
    private static readonly Outcome ToReviews = RedirectTo("/admin/reviews");
    private static readonly Outcome ToAccount = RedirectTo("/account");

    public static readonly IReadOnlyList<MatrixRow> Table =
    [
        // Public pages.
        Row("GET /", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("GET /find", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("GET /zones/options", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("GET /specialists/{slug}", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("GET /specialists/{slug}/reviews", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        // Reporting needs an account; any signed-in visitor may report.
        Row("POST /specialists/{slug}/reviews?handler=Report", anon: SignIn, a: RedirectTo("/specialists"), b: RedirectTo("/specialists"),
            x: RedirectTo("/specialists"), y: RedirectTo("/specialists"), admin: RedirectTo("/specialists")).With("reviewId", NewReviewOfX),
        // Anyone may hold a slot (guests check out with a signed link) but X, whose slots they are;
        // each visit holds another of X's slots.
        Row("POST /specialists/{slug}?handler=Hold", anon: ToCheckout, a: ToCheckout, b: ToCheckout, x: OwnTime, y: ToCheckout, admin: ToCheckout),

        // A booking's pages: its signed-in customer or its signed link (not tested here: no ?t=).
        Row("GET /checkout/{id:guid}", anon: NotFound, a: Ok, b: NotFound, x: NotFound, y: NotFound, admin: NotFound).With("id", HeldBookingOfA),
        Row("POST /checkout/{id:guid}", anon: NotFound, a: InvalidForm, b: NotFound, x: NotFound, y: NotFound, admin: NotFound).With("id", HeldBookingOfA),
        Row("GET /checkout/{id:guid}/test-card", anon: NotFound, a: Ok, b: NotFound, x: NotFound, y: NotFound, admin: NotFound).With("id", AwaitingPaymentOfA),
        Row("POST /checkout/{id:guid}/test-card", anon: NotFound, a: InvalidForm, b: NotFound, x: NotFound, y: NotFound, admin: NotFound).With("id", AwaitingPaymentOfA),
        Row("GET /bookings", anon: SignIn, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("GET /bookings/{id:guid}", anon: NotFound, a: Ok, b: NotFound, x: NotFound, y: NotFound, admin: NotFound),
        // A's empty review of a completed session is refused beside the form; nobody else may even try.
        Row("POST /bookings/{id:guid}?handler=Review", anon: NotFound, a: InvalidForm, b: NotFound, x: NotFound, y: NotFound, admin: NotFound)
            .With("id", async w => (await w.NewCompletedBookingOfAAsync()).ToString()),
        Row("GET /bookings/{id:guid}?handler=Invite", anon: NotFound, a: Ok, b: NotFound, x: NotFound, y: NotFound, admin: NotFound),
        Row("GET /bookings/{id:guid}/reschedule", anon: NotFound, a: Ok, b: NotFound, x: NotFound, y: NotFound, admin: NotFound),
        Row("POST /bookings/{id:guid}/reschedule", anon: NotFound, a: RedirectTo("/bookings"), b: NotFound, x: NotFound, y: NotFound, admin: NotFound)
            .With("id", NewBookingOfA),
        Row("GET /bookings/{id:guid}/cancel", anon: NotFound, a: Ok, b: NotFound, x: NotFound, y: NotFound, admin: NotFound),
        Row("POST /bookings/{id:guid}/cancel", anon: NotFound, a: RedirectTo("/bookings"), b: NotFound, x: NotFound, y: NotFound, admin: NotFound)
            .With("id", NewBookingOfA),
        // The booking's own specialist opens the session page too.
        Row("GET /bookings/{id:guid}/session", anon: NotFound, a: Ok, b: NotFound, x: Ok, y: NotFound, admin: NotFound),
        // The host's start link, asked of the provider at the click: Jitsi has none, so X goes straight to the room.
        Row("GET /bookings/{id:guid}/session?handler=Host", anon: SignIn, a: NotFound, b: NotFound, x: RedirectTo("https://meet.jit.si"),
            y: NotFound, admin: NotFound),

        // Accounts: open to everyone; the posts get an empty form, refused beside its fields.
        Row("GET /account/sign-in", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("POST /account/sign-in", anon: InvalidForm, a: InvalidForm, b: InvalidForm, x: InvalidForm, y: InvalidForm, admin: InvalidForm),
        // Signing up while signed in would quietly switch accounts: home, with a note.
        Row("GET /account/sign-up", anon: Ok, a: ToHome, b: ToHome, x: ToHome, y: ToHome, admin: ToHome),
        Row("POST /account/sign-up", anon: InvalidForm, a: ToHome, b: ToHome, x: ToHome, y: ToHome, admin: ToHome),
        Row("GET /account/specialist-sign-up", anon: Ok, a: ToHome, b: ToHome, x: ToHome, y: ToHome, admin: ToHome),
        Row("POST /account/specialist-sign-up", anon: InvalidForm, a: ToHome, b: ToHome, x: ToHome, y: ToHome, admin: ToHome),
        Row("GET /account/sign-out", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("POST /account/sign-out", anon: ToHome, a: ToHome, b: ToHome, x: ToHome, y: ToHome, admin: ToHome).InOwnSession(),
        // The refusal page itself.
        Row("GET /account/access-denied", anon: Forbidden, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: Forbidden),
        // After signing up; the same for everyone.
        Row("GET /account/check-email", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        // Forgotten passwords: open to anyone; the post answers the same for any address (PasswordResetTests).
        Row("GET /account/forgot-password", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("POST /account/forgot-password", anon: InvalidForm, a: InvalidForm, b: InvalidForm, x: InvalidForm, y: InvalidForm, admin: InvalidForm),
        // The emailed links: the token is the credential, whoever holds it; without one, 400 and a way to get another.
        Row("GET /account/reset-password", anon: BrokenLink, a: BrokenLink, b: BrokenLink, x: BrokenLink, y: BrokenLink, admin: BrokenLink),
        Row("POST /account/reset-password", anon: BrokenLink, a: BrokenLink, b: BrokenLink, x: BrokenLink, y: BrokenLink, admin: BrokenLink),
        Row("GET /account/confirm-email", anon: BrokenLink, a: BrokenLink, b: BrokenLink, x: BrokenLink, y: BrokenLink, admin: BrokenLink),
        // Account settings: everyone signed in, each their own account (there is no id to address another's).
        Row("GET /account", anon: SignIn, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("GET /account?handler=Export", anon: SignIn, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("POST /account?handler=Profile", anon: SignIn, a: InvalidForm, b: InvalidForm, x: InvalidForm, y: InvalidForm, admin: InvalidForm),
        Row("POST /account?handler=Email", anon: SignIn, a: InvalidForm, b: InvalidForm, x: InvalidForm, y: InvalidForm, admin: InvalidForm),
        Row("POST /account?handler=Password", anon: SignIn, a: InvalidForm, b: InvalidForm, x: InvalidForm, y: InvalidForm, admin: InvalidForm),
        Row("POST /account?handler=Resend", anon: SignIn, a: ToAccount, b: ToAccount, x: ToAccount, y: ToAccount, admin: ToAccount),
        // Deleting: refused (409, the page says why) for X, who has a booking ahead with A, and for the admin;
        // the others get the empty form back, as the password is missing.
        Row("GET /account/delete", anon: SignIn, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("POST /account/delete", anon: SignIn, a: InvalidForm, b: InvalidForm, x: Refused, y: InvalidForm, admin: Refused),

        // Specialist pages: the Specialist role, and then only the signed-in specialist's own things.
        Row("GET /specialist/availability", anon: SignIn, a: Forbidden, b: Forbidden, x: Ok, y: Ok, admin: Forbidden),
        Row("GET /specialist/availability?handler=Status", anon: SignIn, a: Forbidden, b: Forbidden, x: Ok, y: Ok, admin: Forbidden),
        // Applies the schedule again (after a failed attempt): each specialist their own.
        Row("POST /specialist/availability?handler=Apply", anon: SignIn, a: Forbidden, b: Forbidden, x: ToAvailability, y: ToAvailability, admin: Forbidden),
        // Empty booking rules are valid: the site's defaults, each specialist their own.
        Row("POST /specialist/availability?handler=Rules", anon: SignIn, a: Forbidden, b: Forbidden, x: ToAvailability, y: ToAvailability, admin: Forbidden),
        Row("POST /specialist/availability?handler=Settings", anon: SignIn, a: Forbidden, b: Forbidden, x: InvalidForm, y: InvalidForm, admin: Forbidden),
        Row("POST /specialist/availability?handler=ToggleDay", anon: SignIn, a: Forbidden, b: Forbidden, x: ToAvailability, y: ToAvailability, admin: Forbidden)
            .With("day", "Saturday"),
        Row("POST /specialist/availability?handler=AddWindow", anon: SignIn, a: Forbidden, b: Forbidden, x: InvalidForm, y: InvalidForm, admin: Forbidden)
            .With("day", "Sunday"),
        Row("POST /specialist/availability?handler=RemoveWindow", anon: SignIn, a: Forbidden, b: Forbidden, x: ToAvailability, y: NotFound, admin: Forbidden)
            .With("day", "Sunday").With("windowId", async w => (await w.NewSundayWindowOfXAsync()).ToString()),
        Row("POST /specialist/availability?handler=AddException", anon: SignIn, a: Forbidden, b: Forbidden, x: InvalidForm, y: InvalidForm, admin: Forbidden),
        Row("POST /specialist/availability?handler=RemoveException", anon: SignIn, a: Forbidden, b: Forbidden, x: ToAvailability, y: NotFound, admin: Forbidden)
            .With("date", w => w.NewExceptionOfXAsync()),
        // The specialist's own calendars: an empty form is invalid; removing and syncing touch only one's own.
        Row("GET /specialist/availability?handler=Calendars", anon: SignIn, a: Forbidden, b: Forbidden, x: Ok, y: Ok, admin: Forbidden),
        Row("POST /specialist/availability?handler=AddCalendar", anon: SignIn, a: Forbidden, b: Forbidden, x: InvalidForm, y: InvalidForm, admin: Forbidden),
        Row("POST /specialist/availability?handler=RemoveCalendar", anon: SignIn, a: Forbidden, b: Forbidden, x: ToAvailability, y: NotFound, admin: Forbidden)
            .With("calendarId", async w => (await w.NewCalendarOfXAsync()).ToString()),
        Row("POST /specialist/availability?handler=SyncCalendar", anon: SignIn, a: Forbidden, b: Forbidden, x: ToAvailability, y: NotFound, admin: Forbidden)
            .With("calendarId", async w => (await w.NewCalendarOfXAsync()).ToString()),
        Row("GET /specialist/calendar", anon: SignIn, a: Forbidden, b: Forbidden, x: Ok, y: Ok, admin: Forbidden),
        Row("POST /specialist/calendar?handler=Block", anon: SignIn, a: Forbidden, b: Forbidden, x: RedirectTo("/specialist/calendar"), y: NotFound, admin: Forbidden)
            .With("reason", "Away"),
        Row("POST /specialist/calendar?handler=Unblock", anon: SignIn, a: Forbidden, b: Forbidden, x: RedirectTo("/specialist/calendar"), y: NotFound, admin: Forbidden)
            .With("slotId", async w => (await w.NewBlockedSlotOfXAsync()).ToString()),
        Row("GET /specialist/feed", anon: SignIn, a: Forbidden, b: Forbidden, x: Ok, y: Ok, admin: Forbidden),
        // Each specialist rotates their own secret; the feed rows read X's current one.
        Row("POST /specialist/feed?handler=Rotate", anon: SignIn, a: Forbidden, b: Forbidden, x: RedirectTo("/specialist/feed"), y: RedirectTo("/specialist/feed"), admin: Forbidden),
        Row("GET /specialist/bookings", anon: SignIn, a: Forbidden, b: Forbidden, x: Ok, y: Ok, admin: Forbidden),
        // Before the session ends, X's marks and recording link are refused with a message on the list (nothing changes).
        Row("POST /specialist/bookings?handler=Completed", anon: SignIn, a: Forbidden, b: Forbidden, x: ToBookings, y: NotFound, admin: Forbidden),
        Row("POST /specialist/bookings?handler=NoShow", anon: SignIn, a: Forbidden, b: Forbidden, x: ToBookings, y: NotFound, admin: Forbidden),
        Row("POST /specialist/bookings?handler=Recording", anon: SignIn, a: Forbidden, b: Forbidden, x: ToBookings, y: NotFound, admin: Forbidden)
            .With("recordingUrl", "https://videos.example/rec/1"),
        Row("POST /specialist/bookings?handler=Cancel", anon: SignIn, a: Forbidden, b: Forbidden, x: ToBookings, y: NotFound, admin: Forbidden)
            .With("bookingId", NewBookingOfA),

        // Admin pages.
        Row("GET /admin/bookings", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: Ok),
        Row("GET /admin/bookings/{id:guid}", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: Ok),
        Row("POST /admin/bookings/{id:guid}?handler=Refund", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: RedirectTo("/admin/bookings"))
            .With("id", NewBookingOfA).With("paymentId", async w => (await w.PaymentOfLatestNewBookingOfAAsync()).ToString()),
        Row("GET /admin/reviews", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: Ok),
        Row("POST /admin/reviews?handler=Hide", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: ToReviews)
            .With("reviewId", NewReviewOfX),
        Row("POST /admin/reviews?handler=Unhide", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: ToReviews)
            .With("reviewId", NewReviewOfX),
        Row("POST /admin/reviews?handler=Dismiss", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: ToReviews)
            .With("reviewId", NewReviewOfX),
        Row("GET /admin/payments", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: Ok),
        Row("POST /admin/payments?handler=Refund", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: RedirectTo("/admin/payments"))
            .With("paymentId", async w => (await w.NewPaymentOfAAsync()).ToString()),
        Row("GET /admin/notifications", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: Ok),
        Row("POST /admin/notifications?handler=Retry", anon: SignIn, a: Forbidden, b: Forbidden, x: Forbidden, y: Forbidden, admin: RedirectTo("/admin/notifications"))
            .With("deliveryId", async w => (await w.NewFailedDeliveryAsync()).ToString()),

        // Notifications: anyone signed in, each their own.
        Row("GET /notifications", anon: SignIn, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("GET /notifications?handler=Badge", anon: SignIn, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("POST /notifications?handler=Read", anon: SignIn, a: ToNotifications, b: NotFound, x: NotFound, y: NotFound, admin: NotFound)
            .With("id", w => Task.FromResult(w.NotificationOfA.ToString())),
        Row("POST /notifications?handler=ReadAll", anon: SignIn, a: ToNotifications, b: ToNotifications, x: ToNotifications, y: ToNotifications, admin: ToNotifications),

        // Development only: in every other environment the mailbox doesn't exist.
        Row("GET /dev/mailbox/{name?}", anon: NotFound, a: NotFound, b: NotFound, x: NotFound, y: NotFound, admin: NotFound),
        // Error pages, reached directly rather than re-executed: informational, for everyone.
        Row("GET /error", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("POST /error", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("GET /status/{code:int}", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("POST /status/{code:int}", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        // Re-executed for a refused PUT/PATCH/DELETE (405), with the request's own method.
        Row("PUT /status/{code:int}", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("PATCH /status/{code:int}", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("DELETE /status/{code:int}", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),

        // Endpoints outside Razor Pages.
        Row("GET /healthz", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("HEAD /healthz", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("GET /_htmx/antiforgery.js", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        // Authenticated by Stripe's signature alone (StripeWebhookTests); no cookie makes up for its absence.
        Row("POST /webhooks/stripe", anon: Unsigned, a: Unsigned, b: Unsigned, x: Unsigned, y: Unsigned, admin: Unsigned),
        // The secret in the address is the credential (calendar apps send no cookies), whoever holds it.
        Row("GET /calendar/{slug}/{secret}.ics", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
        Row("HEAD /calendar/{slug}/{secret}.ics", anon: Ok, a: Ok, b: Ok, x: Ok, y: Ok, admin: Ok),
    ];

    public static TheoryData<string, Who> Cases()
    {
        var cases = new TheoryData<string, Who>();
        foreach (var row in Table)
            foreach (var who in Enum.GetValues<Who>())
                cases.Add(row.Endpoint, who);
        return cases;
    }

    [Fact]
    public void Every_endpoint_has_exactly_one_row()
    {
        var endpoints = world.Endpoints.Select(e => e.Key).ToHashSet();
        var rows = Table.Select(r => r.Endpoint).ToList();
        var problems = endpoints.Except(rows).Select(k => $"no row for {k} (add one to {nameof(AuthorizationMatrixTests)}.{nameof(Table)})")
            .Concat(rows.Except(endpoints).Select(k => $"a row for {k}, which the app doesn't have"))
            .Concat(rows.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => $"{g.Count()} rows for {g.Key}"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_identity_gets_what_its_row_says(string endpoint, Who who)
    {
        var row = Table.First(r => r.Endpoint == endpoint);
        var target = world.Endpoints.FirstOrDefault(e => e.Key == endpoint)
            ?? throw new InvalidOperationException($"The app has no endpoint {endpoint}.");
        var session = row.OwnSession ? await world.NewSessionAsync(who) : world[who];
        var url = await UrlAsync(target, row);

        var response = target.Method == "POST"
            ? await session.Client.PostWithTokenAsync(session.TokenPage, url)
            : await session.Client.SendAsync(new HttpRequestMessage(new HttpMethod(target.Method == AppEndpoint.AnyMethod ? "GET" : target.Method), url));

        await row.For(who).AssertAsync(response, url, $"{target.Method} {url} as {who}");
    }

    /// <summary>The route filled in, the handler named, and its parameters given (in the query, as the app's links do).</summary>
    private async Task<string> UrlAsync(AppEndpoint target, MatrixRow row)
    {
        var values = Defaults.SetItems(row.Values);
        async Task<string?> ValueAsync(string name) => values.TryGetValue(name, out var given) ? await given(world) : null;

        // Route values first: a fresh booking takes its slot before "slotId" picks an open one.
        var route = new Dictionary<string, string>();
        foreach (var parameter in target.Route.Parameters)
            if (await ValueAsync(parameter.Name) is { } value) route[parameter.Name] = value;
        var query = new Dictionary<string, string?>();
        if (target.Handler is not null) query["handler"] = target.Handler;
        foreach (var (name, type) in target.Parameters.Where(p => !route.ContainsKey(p.Name)))
        {
            if (await ValueAsync(name) is { } value) query[name] = value;
            // Left out, a Guid or a day would bind as its default and the handler would answer "not found" for everyone.
            else if (type.IsValueType && Nullable.GetUnderlyingType(type) is null && type != typeof(bool))
                throw new InvalidOperationException($"{target.Key}: the row needs a value for '{name}' ({type.Name}): add .With(\"{name}\", …).");
        }
        return QueryHelpers.AddQueryString(target.PathFor(route), query);
    }

    private static MatrixRow Row(string endpoint, Outcome anon, Outcome a, Outcome b, Outcome x, Outcome y, Outcome admin) =>
        new(endpoint, anon, a, b, x, y, admin);
}

/// <summary>A value for a route or handler parameter, made when the row runs.</summary>
public delegate Task<string> Given(AuthorizationWorld world);

/// <summary>What each identity gets from one endpoint.</summary>
public sealed record MatrixRow(string Endpoint, Outcome Anon, Outcome A, Outcome B, Outcome X, Outcome Y, Outcome Admin)
{
    public ImmutableDictionary<string, Given> Values { get; init; } = ImmutableDictionary<string, Given>.Empty;
    /// <summary>Visited from a new client signed in as the same identity (the request ends its session).</summary>
    public bool OwnSession { get; init; }

    public MatrixRow With(string parameter, Given value) => this with { Values = Values.SetItem(parameter, value) };
    public MatrixRow With(string parameter, string value) => With(parameter, _ => Task.FromResult(value));
    public MatrixRow InOwnSession() => this with { OwnSession = true };

    public Outcome For(Who who) => who switch
    {
        Who.Anonymous => Anon,
        Who.CustomerA => A,
        Who.CustomerB => B,
        Who.SpecialistX => X,
        Who.SpecialistY => Y,
        Who.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };
}

/// <summary>What a visitor gets: a status, and where a redirect goes, or what refused them.</summary>
public sealed record Outcome(HttpStatusCode Status, string? Location = null, bool Form = false, string? Body = null, string? Notice = null)
{
    public static readonly Outcome Ok = new(HttpStatusCode.OK);
    /// <summary>302 to the sign-in page, which returns to the page asked for.</summary>
    public static readonly Outcome SignIn = new(HttpStatusCode.Redirect, "/account/sign-in");
    /// <summary>A signed-in user without the role: 403 with the "You can't open this page" page.</summary>
    public static readonly Outcome Forbidden = new(HttpStatusCode.Forbidden);
    /// <summary>A specialist choosing one of their own times: 403 on their page, with a notice saying why.</summary>
    public static readonly Outcome OwnTime = new(HttpStatusCode.Forbidden, Notice: "You can't book your own time");
    public static readonly Outcome NotFound = new(HttpStatusCode.NotFound);
    /// <summary>
    /// 400 with the form shown again beside its messages: the handler ran (past authorization and
    /// antiforgery, whose refusal is a bare 400 page) and refused the empty form the matrix sends.
    /// </summary>
    public static readonly Outcome InvalidForm = new(HttpStatusCode.BadRequest, Form: true);
    /// <summary>An emailed account link that is missing, altered, expired or used: 400 with a way to get a new one.</summary>
    public static readonly Outcome BrokenLink = new(HttpStatusCode.BadRequest);
    /// <summary>Not allowed in this state (e.g. deleting an account with bookings ahead): 409, the page saying why.</summary>
    public static readonly Outcome Refused = new(HttpStatusCode.Conflict);
    /// <summary>A webhook refused for its missing signature.</summary>
    public static readonly Outcome Unsigned = new(HttpStatusCode.BadRequest, Body: "Missing Stripe-Signature header.");

    /// <summary>302 to <paramref name="path"/> or below it (any query); an https address for another site.</summary>
    public static Outcome RedirectTo(string path) => new(HttpStatusCode.Redirect, path);

    public async Task AssertAsync(HttpResponseMessage response, string requested, string context)
    {
        // Another site's address is compared whole; our own by its path.
        var elsewhere = Location?.StartsWith("https://", StringComparison.Ordinal) == true;
        var location = response.Headers.Location is { } l
            ? (l.IsAbsoluteUri ? (elsewhere ? l.AbsoluteUri : l.PathAndQuery + l.Fragment) : l.OriginalString)
            : null;
        Assert.True(response.StatusCode == Status,
            $"{context}: expected {(int)Status}{(Location is null ? "" : " to " + Location)}, got {(int)response.StatusCode}{(location is null ? "" : " to " + location)}");
        if (Location is not null)
        {
            var path = location?.Split('?', '#')[0];
            Assert.True(path == Location || (Location != "/" && path?.StartsWith(Location + "/") == true),
                $"{context}: expected a redirect to {Location}, got one to {location}");
            if (this == SignIn)
                Assert.Equal(requested, QueryHelpers.ParseQuery(new Uri("http://x" + location).Query)["ReturnUrl"].ToString());
        }
        if (Notice is not null)
            Assert.Equal(Notice, (await Html.ParseAsync(response)).QuerySelector(".notice h2")?.Text());
        else if (Status == HttpStatusCode.Forbidden)
            Assert.Equal("You can't open this page", (await Html.ParseAsync(response)).QuerySelector("h1").Text());
        if (Body is not null) Assert.Equal(Body, await response.Content.ReadAsStringAsync());
        if (Form)
            Assert.True((await Html.ParseAsync(response)).QuerySelector("main form[method=post]") is not null, $"{context}: the page has no form");
    }
}

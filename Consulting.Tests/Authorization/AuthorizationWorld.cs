using AngleSharp.Html.Dom;
using Consulting.Tests.Support;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Authorization;

public enum Who { Anonymous, CustomerA, CustomerB, SpecialistX, SpecialistY, Admin }

/// <param name="TokenPage">A page this client loaded, for the antiforgery token its posts carry.</param>
public sealed record Session(HttpClient Client, IHtmlDocument TokenPage);

/// <summary>
/// The app the authorization matrix visits, and who visits it: customers A and B, specialists X
/// and Y (each with slots), the demo admin and an anonymous visitor. The rows address A's and X's
/// things, so B and Y are the strangers. The clock never moves, so holds and links stay valid.
/// </summary>
public sealed class AuthorizationWorld : IAsyncLifetime
{

    private readonly Dictionary<Who, (string Email, string Password)> _accounts = [];
    private readonly Dictionary<Who, Session> _sessions = [];
    private readonly Dictionary<Who, TestCustomer> _customers = [];
    private int _made;

    public AppFactory App { get; } = new MatrixApp();
    public IReadOnlyList<AppEndpoint> Endpoints { get; private set; } = [];

    public string CustomerAId { get; private set; } = "";
    public BookableSpecialist X { get; private set; } = null!;
    /// <summary>A's confirmed, paid booking with X, a day ahead.</summary>
    public Booking BookingOfA { get; private set; } = null!;
    /// <summary>A's pending booking with X, before checkout.</summary>
    public Booking HeldBookingOfA { get; private set; } = null!;
    /// <summary>A's pending booking with X, at the test card.</summary>
    public Booking AwaitingPaymentOfA { get; private set; } = null!;
    public Guid PaymentOfA { get; private set; }
    /// <summary>A's in-app notification of <see cref="BookingOfA"/>.</summary>
    public Guid NotificationOfA { get; private set; }

    public Session this[Who who] => _sessions[who];

    public async Task InitializeAsync()
    {
        Endpoints = await AppEndpoints.ListAsync(App.Services);
        // 15-minute slots: rows that use up a slot or a booking get a fresh one each time.
        X = await App.CreateSpecialistWithSlotsAsync(slotMinutes: 15);
        var y = await App.CreateSpecialistWithSlotsAsync();
        _accounts[Who.SpecialistX] = (X.Email, SpecialistAccounts.Password);
        _accounts[Who.SpecialistY] = (y.Email, SpecialistAccounts.Password);
        _accounts[Who.Admin] = (DemoData.AdminEmail, DemoData.Password);
        foreach (var who in new[] { Who.CustomerA, Who.CustomerB })
        {
            var customer = await App.CreateCustomerAsync(who.ToString());
            _customers[who] = customer;
            _accounts[who] = (customer.Email, CustomerAccounts.Password);
        }
        foreach (var who in Enum.GetValues<Who>()) _sessions[who] = await NewSessionAsync(who);

        CustomerAId = _customers[Who.CustomerA].UserId;
        BookingOfA = await App.ConfirmedBookingAsync(X.Slots[0], customer: _customers[Who.CustomerA]);
        HeldBookingOfA = await App.HeldBookingAsync(X.Slots[1], customer: _customers[Who.CustomerA]);
        AwaitingPaymentOfA = await App.AwaitingPaymentAsync(X.Slots[2], customer: _customers[Who.CustomerA]);
        PaymentOfA = await PaymentOfAsync(BookingOfA.Id);
        NotificationOfA = await App.WithDbAsync(db => db.Notifications
            .Where(n => n.RecipientUserId == CustomerAId && n.Deliveries.Any(d => d.Channel == Channel.InApp))
            .Select(n => n.Id).FirstAsync());
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A new client, signed in as <paramref name="who"/> unless anonymous (also for rows that end the session they use).</summary>
    public async Task<Session> NewSessionAsync(Who who)
    {
        var client = App.CreateBrowserLikeClient();
        if (_accounts.TryGetValue(who, out var account)) await client.SignInOrFailAsync(account.Email, account.Password);
        return new(client, await client.GetPageAsync("/account/sign-in"));
    }

    public Task<string> FeedSecretOfXAsync() =>
        App.WithDbAsync(db => db.Specialists.Where(s => s.Id == X.Id).Select(s => s.FeedSecret).SingleAsync());

    /// <summary>The earliest of X's slots that is still open (rows that hold or block take a different one each time).</summary>
    public Task<Slot> FreeSlotOfXAsync() => App.WithDbAsync(db => db.Slots.AsNoTracking()
        .Where(s => s.SpecialistId == X.Id && s.State == SlotState.Available).OrderBy(s => s.Start).FirstAsync());

    public async Task<Guid> NewBookingOfAAsync() =>
        LatestNewBookingOfA = (await App.ConfirmedBookingAsync(await FreeSlotOfXAsync(), customer: _customers[Who.CustomerA])).Id;

    /// <summary>The booking <see cref="NewBookingOfAAsync"/> made last (rows fill route values before the query's).</summary>
    public Guid LatestNewBookingOfA { get; private set; }

    public Task<Guid> PaymentOfLatestNewBookingOfAAsync() => PaymentOfAsync(LatestNewBookingOfA);

    /// <summary>A's new session with X, completed as of its end through the domain rule, without moving the clock every other row shares.</summary>
    public async Task<Guid> NewCompletedBookingOfAAsync()
    {
        var bookingId = await NewBookingOfAAsync();
        await App.WithDbAsync(async db =>
        {
            var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId);
            booking.MarkCompleted(Actor.Specialist(await SpecialistUserIdOfXAsync(db)), booking.End);
            await db.SaveChangesAsync();
        });
        return bookingId;
    }

    /// <summary>A's review of a new completed session with X (rows that hide, show or report it each get their own).</summary>
    public async Task<Guid> NewReviewOfXAsync()
    {
        var bookingId = await NewCompletedBookingOfAAsync();
        return await App.WithDbAsync(async db =>
        {
            var booking = await db.Bookings.SingleAsync(b => b.Id == bookingId);
            var review = Review.Write(booking, await SpecialistUserIdOfXAsync(db), CustomerAId, 5, "Helpful and clear.", booking.End);
            db.Reviews.Add(review);
            await db.SaveChangesAsync();
            return review.Id;
        });
    }

    private Task<string> SpecialistUserIdOfXAsync(AppDbContext db) =>
        db.Specialists.Where(s => s.Id == X.Id).Select(s => s.UserId).SingleAsync();

    public async Task<Guid> NewPaymentOfAAsync() => await PaymentOfAsync(await NewBookingOfAAsync());

    public async Task<Guid> NewBlockedSlotOfXAsync()
    {
        var slot = await FreeSlotOfXAsync();
        await using var scope = App.Services.CreateAsyncScope();
        Assert.Equal(SlotChange.Done, await scope.ServiceProvider.GetRequiredService<SpecialistCalendar>()
            .BlockAsync(X.Id, slot.Id, "Blocked for the matrix", CancellationToken.None));
        return slot.Id;
    }

    /// <summary>A new weekly window on Sunday, at an hour no earlier call used.</summary>
    public Task<Guid> NewSundayWindowOfXAsync() => EditScheduleOfXAsync((s, now) =>
        s.AddWindow(IsoDayOfWeek.Sunday, new TimeWindow(new LocalTime(_made, 0), new LocalTime(_made, 30), 30), now).Id);

    /// <summary>A new calendar of X's own (its address leads nowhere: syncing it only records a problem).</summary>
    public Task<Guid> NewCalendarOfXAsync() => App.WithDbAsync(async db =>
    {
        // An address of its own each time: a specialist can't add one address twice.
        var address = $"http://127.0.0.1:9/calendar-{Guid.NewGuid():N}.ics";
        var calendar = Consulting.Web.Domain.ExternalCalendar.Add(X.Id, "Personal",
            App.GetService<Consulting.Web.Calendar.CalendarAddresses>().Protect(address),
            Consulting.Web.Calendar.CalendarAddresses.Fingerprint(address), App.Clock.GetCurrentInstant());
        db.ExternalCalendars.Add(calendar);
        await db.SaveChangesAsync();
        return calendar.Id;
    });

    /// <summary>A new day off, on a date no earlier call used; as the form writes it.</summary>
    public async Task<string> NewExceptionOfXAsync()
    {
        var date = App.Clock.GetCurrentInstant().InUtc().Date.PlusDays(60 + _made);
        await EditScheduleOfXAsync((s, now) => s.SetException(date, false, [], "Day off", now).Id);
        return TimeInput.Format(date);
    }

    /// <summary>An email to A that failed for good, for the admin to send again.</summary>
    public Task<Guid> NewFailedDeliveryAsync() => App.WithDbAsync(async db =>
    {
        var now = App.Clock.GetCurrentInstant();
        var notification = Notification.Create(NotificationType.BookingConfirmation,
            new Recipient(CustomerAId, _accounts[Who.CustomerA].Email, null, "Europe/Paris"), null, "Undeliverable", "", [Channel.Email], now);
        var delivery = notification.Deliveries.Single();
        delivery.MarkFailedForGood("550 mailbox unavailable");
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return delivery.Id;
    });

    /// <summary>The demo data (for its admin), and a webhook secret, so webhooks are refused for their missing signature.</summary>
    private sealed class MatrixApp : AppFactory
    {
        public MatrixApp() => SeedDemoData = true;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Stripe:WebhookSecret", "whsec_authorization_matrix");
        }
    }

    private Task<Guid> PaymentOfAsync(Guid bookingId) =>
        App.WithDbAsync(db => db.Payments.Where(p => p.BookingId == bookingId).Select(p => p.Id).SingleAsync());

    private Task<Guid> EditScheduleOfXAsync(Func<AvailabilitySchedule, Instant, Guid> edit) => App.WithDbAsync(async db =>
    {
        var schedule = await db.Schedules.SingleAsync(s => s.SpecialistId == X.Id);
        var id = edit(schedule, App.Clock.GetCurrentInstant());
        _made++;
        await db.SaveChangesAsync();
        return id;
    });
}

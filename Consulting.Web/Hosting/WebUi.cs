using System.Threading.RateLimiting;
using Consulting.Web.Data;
using Consulting.Web.Notifications;
using Consulting.Web.Payments;
using Htmx.TagHelpers;
using Microsoft.AspNetCore.Identity;
using NodaTime;

namespace Consulting.Web.Hosting;

public static class WebUi
{
    public const string SignInRateLimit = "sign-in";
    public const string BookingRateLimit = "booking";

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services
            .AddIdentity<AppUser, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                // High on purpose: per-address limits come first (Accounts.SignInThrottle), so only a
                // distributed attack reaches it and a stranger can't lock a real user out.
                o.Lockout.MaxFailedAccessAttempts = Accounts.SignInThrottle.AccountLockoutFailures;
                o.Lockout.DefaultLockoutTimeSpan = Accounts.SignInThrottle.AccountLockout.ToTimeSpan();
                // Password reset links use the default provider (an hour); confirmation links their own (three days).
                o.Tokens.EmailConfirmationTokenProvider = Accounts.ConfirmationTokenOptions.ProviderName;
                o.Tokens.ChangeEmailTokenProvider = Accounts.ConfirmationTokenOptions.ProviderName;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddTokenProvider<Accounts.LinkTokenProvider<DataProtectionTokenProviderOptions>>(TokenOptions.DefaultProvider)
            .AddTokenProvider<Accounts.LinkTokenProvider<Accounts.ConfirmationTokenOptions>>(Accounts.ConfirmationTokenOptions.ProviderName);
        builder.Services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromHours(1));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Specialist, p => p.RequireRole(Roles.Specialist))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin));
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "consulting.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            // A signed-in user without the right role gets a real 403 (rendered by the status page),
            // not a redirect that hides the refusal from non-browser clients.
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        builder.Services.AddScoped<DemoData>();
        builder.Services.AddScoped<Accounts.Registration>();
        builder.Services.AddScoped<Accounts.AccountEmails>();
        builder.Services.AddScoped<Accounts.SignUps>();
        builder.Services.AddScoped<Accounts.AccountSecurity>();
        builder.Services.AddScoped<Accounts.AccountSettings>();
        builder.Services.AddScoped<Accounts.AccountData>();
        builder.Services.AddScoped<Accounts.AccountDeletion>();
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<Accounts.SignInThrottle>();
        builder.Services.AddScoped<Specialists.SpecialistDirectory>();
        builder.Services.AddScoped<Specialists.CurrentSpecialist>();
        builder.Services.AddScoped<Pages.BookingDoor>();
        builder.Services.AddScoped<Scheduling.AvailabilityEditor>();
        builder.Services.AddScoped<Scheduling.SpecialistCalendar>();
        return builder;
    }

    /// <summary>Outside services behind their interfaces, chosen here and nowhere else (STYLE rule 9).</summary>
    public static WebApplicationBuilder AddIntegrations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IClock>(SystemClock.Instance);
        // Framework time (cookies, Identity) from the same clock, whichever IClock is registered last.
        builder.Services.AddSingleton<TimeProvider>(sp => new ClockTimeProvider(sp.GetRequiredService<IClock>()));

        builder.AddSettings<BookingOptions>(BookingOptions.Section);
        builder.AddSettings<Scheduling.SchedulingOptions>(Scheduling.SchedulingOptions.Section);

        builder.AddPayments();
        builder.Services.AddScoped<PaymentOutcomes>();
        builder.Services.AddScoped<AdminPayments>();
        builder.Services.AddScoped<Notifier>();
        // What must follow a change, recorded with it (Data/DomainEventDispatch.cs): one per feature folder.
        builder.Services.AddScoped<Domain.IConsequence, Bookings.BookingConsequences>();
        builder.Services.AddScoped<Domain.IConsequence, PaymentConsequences>();
        builder.Services.AddScoped<Domain.IConsequence>(sp => sp.GetRequiredService<Notifier>());
        builder.Services.AddScoped<InAppNotifications>();
        builder.Services.AddScoped<OutboxAdmin>();
        builder.Services.AddScoped<BookingLinks>();
        builder.Services.AddSingleton<Scheduling.OfferRules>();
        builder.Services.AddScoped<Bookings.OpenSlots>();
        builder.Services.AddScoped<Bookings.BookingService>();
        builder.Services.AddScoped<Bookings.HoldExpiry>();
        builder.Services.AddScoped<Bookings.WeekViews>();
        builder.Services.AddScoped<Bookings.SlotSearch>();
        builder.Services.AddScoped<Bookings.BookingChanges>();
        builder.Services.AddScoped<Bookings.SpecialistBookings>();
        builder.Services.AddScoped<Bookings.CustomerBookings>();
        builder.Services.AddScoped<Bookings.AdminBookings>();
        builder.Services.AddScoped<Reviews.ReviewService>();
        builder.AddMeetings();
        builder.AddCalendar();
        builder.AddNotifications();
        return builder;
    }

    public static WebApplicationBuilder AddWebUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRouting(o => o.LowercaseUrls = true);
        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Specialist", Roles.Specialist);
            o.Conventions.AuthorizeFolder("/Admin", Roles.Admin);
            o.Conventions.Add(new HandlerRateLimitConvention());
            o.Conventions.Add(new PageMethodsConvention());
        });
        builder.Services.AddAntiforgery(o => o.HeaderName = "RequestVerificationToken");
        builder.Services.AddPlainTextValidation();
        builder.Services.AddHostileInputGuards();
        builder.Services.AddInputBinders();

        builder.AddSettings<RateLimitOptions>(RateLimitOptions.Section);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // The status page (re-executed for 429) explains; the header tells clients when to come back.
            o.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            // Partitioned by the client's address: after UseKnownProxies, the real client's behind a known proxy.
            o.AddPolicy(SignInRateLimit, context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("get")
                : RateLimitPartition.GetFixedWindowLimiter(ClientPartition(context),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = Limits(context).SignInPerMinute, Window = TimeSpan.FromMinutes(1) }));
            // Holds, test-card payments and reschedules: only the handlers that carry the attribute (HandlerRateLimitConvention).
            o.AddPolicy(BookingRateLimit, context => !RateLimitedHandler.Covers(context)
                ? RateLimitPartition.GetNoLimiter("other handlers")
                : RateLimitPartition.GetFixedWindowLimiter(ClientPartition(context),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = Limits(context).HoldsPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });

        if (!builder.Environment.IsDevelopment())
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        return builder;
    }

    /// <summary>
    /// The rate limiters' partition: the client's address as the app sees it. An IPv6 client counts
    /// by its /64, since one subscriber is usually handed a whole /64 and could rotate through it.
    /// </summary>
    public static string ClientPartition(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null) return "local";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    private static RateLimitOptions Limits(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value;

    public static WebApplication UseWebUi(this WebApplication app)
    {
        app.UseKnownProxies();
        app.UseRequestLogging();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseSecurityHeaders();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public,max-age=86400",
        });
        app.UseFormNulReplacement();
        app.UseRouting();
        app.RememberMatchedRoute();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapWebUi(this WebApplication app)
    {
        app.MapHealth();
        app.MapHtmxAntiforgeryScript();
        app.MapPaymentWebhooks();
        app.MapCalendarFeeds();
        app.MapRazorPages();
        return app;
    }
}

using System.Threading.RateLimiting;
using Consulting.Web.Data;
using Consulting.Web.Meetings;
using Consulting.Web.Notifications;
using Consulting.Web.Payments;
using Htmx.TagHelpers;
using Microsoft.AspNetCore.Identity;
using NodaTime;

namespace Consulting.Web.Hosting;

public static class WebUi
{
    public const string SignInRateLimit = "sign-in";

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
                o.Lockout.MaxFailedAccessAttempts = 10;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultTokenProviders();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "consulting.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
        });
        builder.Services.AddScoped<DemoData>();
        builder.Services.AddScoped<Accounts.Registration>();
        builder.Services.AddScoped<Specialists.SpecialistDirectory>();
        return builder;
    }

    /// <summary>Outside services behind their interfaces, chosen here and nowhere else (STYLE rule 9).</summary>
    public static WebApplicationBuilder AddIntegrations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IClock>(SystemClock.Instance);
        builder.Services.Configure<JitsiOptions>(builder.Configuration.GetSection("Jitsi"));
        builder.Services.Configure<EmailOptions>(builder.Configuration.GetSection("Email"));

        builder.Services.AddSingleton<IPaymentGateway, TestPaymentGateway>();
        builder.Services.AddSingleton<IMeetingProvider, JitsiMeetingProvider>();
        builder.Services.AddSingleton<IEmailTransport, PickupFolderEmailTransport>();
        builder.Services.AddSingleton<ISmsSender, DisabledSmsSender>();
        return builder;
    }

    public static WebApplicationBuilder AddWebUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRouting(o => o.LowercaseUrls = true);
        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Account/Manage");
        });
        builder.Services.AddAntiforgery(o => o.HeaderName = "RequestVerificationToken");

        var signInPerMinute = builder.Configuration.GetValue("RateLimits:SignInPerMinute", 10);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInRateLimit, context => HttpMethods.IsGet(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("get")
                : RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "local",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = signInPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });

        if (!builder.Environment.IsDevelopment())
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        return builder;
    }

    public static WebApplication UseWebUi(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseSecurityHeaders();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public,max-age=86400",
        });
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapWebUi(this WebApplication app)
    {
        app.MapHealthChecks("/healthz");
        app.MapHtmxAntiforgeryScript();
        app.MapRazorPages();
        return app;
    }
}

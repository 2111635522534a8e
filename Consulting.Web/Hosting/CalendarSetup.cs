using Consulting.Web.Calendar;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Consulting.Web.Hosting;

public static class CalendarSetup
{
    /// <summary>.ics invites and the specialists' private iCal feeds.</summary>
    public static WebApplicationBuilder AddCalendar(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<SpecialistFeed>();
        // The specialists' own calendars: fetched through a handler that checks every connection's address.
        builder.AddSettings<ExternalCalendarOptions>(ExternalCalendarOptions.Section);
        builder.Services.AddHttpClient<CalendarFetcher>(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => CalendarFetcher.CreateHandler(sp.GetRequiredService<IOptions<ExternalCalendarOptions>>()))
            // The factory's request logging writes the full URL, and the address is a secret.
            .RemoveAllLoggers();
        builder.Services.AddSingleton<CalendarAddresses>();
        builder.Services.AddScoped<ExternalCalendarSync>();
        return builder;
    }

    /// <summary>
    /// <c>/calendar/{slug}/{secret}.ics</c>: the secret in the URL is the only credential, since
    /// calendar apps fetch without cookies.
    /// </summary>
    public static WebApplication MapCalendarFeeds(this WebApplication app)
    {
        app.MapMethods("/calendar/{slug}/{secret}.ics", [HttpMethods.Get, HttpMethods.Head], ServeFeedAsync)
            .AllowAnonymous();
        return app;
    }

    private static async Task<IResult> ServeFeedAsync(HttpContext context, string slug, string secret,
        SpecialistFeed feed, CancellationToken ct)
    {
        // One answer for an unknown slug and a wrong or rotated secret, so neither can be probed.
        if (await feed.ForSubscriberAsync(slug, secret, ct) is not { } document)
            return Results.Text("Not found.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

        var response = context.Response;
        response.Headers.CacheControl = "private, max-age=300";
        response.Headers.ETag = document.ETag;
        if (document.LastModified is { } changed) response.GetTypedHeaders().LastModified = changed.ToDateTimeOffset();
        // Only the ETag decides 304: the feed can change without a newer Last-Modified (a booking
        // leaving the window, a meeting link arriving), so If-Modified-Since is not trusted.
        if (Matches(context.Request.GetTypedHeaders().IfNoneMatch, document.ETag))
            return Results.StatusCode(StatusCodes.Status304NotModified);

        response.Headers.ContentDisposition = "inline; filename=\"consulting.ics\"";
        return Results.Text(document.Text, "text/calendar; charset=utf-8");
    }

    /// <summary>If-None-Match uses the weak comparison (RFC 9110 §13.1.2).</summary>
    private static bool Matches(IList<EntityTagHeaderValue> ifNoneMatch, string etag)
    {
        var current = EntityTagHeaderValue.Parse(etag);
        return ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }
}

using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Consulting.Web.Data;
using Consulting.Web.Notifications;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Consulting.Web.Hosting;

/// <summary>The "Health" settings section.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>/healthz answers Degraded once a message has waited this long to be sent.</summary>
    [Range(1, 7 * 24 * 60)]
    public int OutboxDegradedAfterMinutes { get; set; } = 15;
}

/// <summary>/healthz, request logs, and OpenTelemetry traces and metrics over OTLP.</summary>
public static class ObservabilitySetup
{
    /// <summary>The OpenTelemetry SDK's own setting: export goes there when it is set, and nothing is collected otherwise.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.AddSettings<HealthOptions>(HealthOptions.Section);
        builder.Services.AddSingleton<OutboxMonitor>();
        builder.Services.AddHealthChecks().AddCheck<OutboxHealthCheck>("outbox");
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting])) AddOpenTelemetry(builder);
        return builder;
    }

    /// <summary>
    /// A method of its own, so the OpenTelemetry assemblies are loaded only when export is on
    /// (start-up time). The exporter reads the standard OTEL_* settings (protocol, headers, service name).
    /// </summary>
    private static void AddOpenTelemetry(WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: "consulting", serviceVersion: typeof(AppTelemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(AppTelemetry.Name)
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Probes would drown the traces that matter.
                    o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz");
                    // A feed's secret is its only credential, and it sits in the path.
                    o.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.Path.StartsWithSegments("/calendar")) activity.SetTag("url.path", "/calendar/{slug}/{secret}.ics");
                    };
                })
                // A calendar address is a secret: its fetches are not traced (a span would carry the full URL).
                .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = r => !Calendar.CalendarFetcher.IsCalendarFetch(r))
                .AddEntityFrameworkCoreInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(AppTelemetry.Name)
                .AddMeter("Microsoft.EntityFrameworkCore")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .UseOtlpExporter();
        builder.Services.AddHostedService<OutboxGauges>();
    }

    /// <summary>
    /// The JSON answer of /healthz: the overall status (Healthy, Degraded or Unhealthy; 200 for the
    /// first two, 503 for the last) and each check's status and description.
    /// </summary>
    public static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, cancellationToken: context.RequestAborted);
    }

    public static IEndpointConventionBuilder MapHealth(this WebApplication app) =>
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealthAsync })
            // Probes read; anything else is a mistake worth a 405, not a health check.
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));

    /// <summary>
    /// One log line per request: method, route template (not the path, which can carry a feed's
    /// secret), status, duration and the client's address (the real one behind known proxies).
    /// Probes log at Debug.
    /// </summary>
    public static IApplicationBuilder UseRequestLogging(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Consulting.Web.Requests");
        return app.Use(async (context, next) =>
        {
            var level = context.Request.Path.StartsWithSegments("/healthz") ? LogLevel.Debug : LogLevel.Information;
            if (!log.IsEnabled(level))
            {
                await next(context);
                return;
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var route = context.Items[MatchedRouteKey] as string ?? "(no route)";
                RequestLog.Answered(log, level, context.Request.Method, route, context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.Connection.RemoteIpAddress?.ToString());
            }
        });
    }

    private const string MatchedRouteKey = "consulting.matched-route";

    /// <summary>
    /// Right after routing: remembers the route first matched, since a status page or the error
    /// page re-running the request would otherwise be logged in its place.
    /// </summary>
    public static IApplicationBuilder RememberMatchedRoute(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (!context.Items.ContainsKey(MatchedRouteKey) && context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern })
            context.Items[MatchedRouteKey] = "/" + pattern.TrimStart('/');
        return next(context);
    });
}

internal static partial class RequestLog
{
    [LoggerMessage(EventId = 1, Message = "{Method} {Route} answered {StatusCode} in {ElapsedMs:0.0} ms for {ClientIp}")]
    public static partial void Answered(ILogger logger, LogLevel level, string method, string route, int statusCode, double elapsedMs, string? clientIp);
}

/// <summary>Reachable, and answering a query, without waiting for EF Core's model (start-up).</summary>
public sealed class DatabaseHealthCheck(DatabaseProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await probe.PingAsync(ct);
            return HealthCheckResult.Healthy("Reachable");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Not reachable: " + e.Message);
        }
    }
}

/// <summary>Degraded while a message has waited longer than <c>Health:OutboxDegradedAfterMinutes</c> (a mail server down, say).</summary>
public sealed class OutboxHealthCheck(OutboxMonitor monitor, DatabaseWarmUp warmUp, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        // The first second of a restart: the outbox query needs EF Core's model, still being built.
        // A probe gets its answer now, the backlog from the next one on.
        if (!warmUp.IsReady) return HealthCheckResult.Healthy("Not read yet: starting");
        var backlog = await monitor.GetAsync(ct);
        var limit = NodaTime.Duration.FromMinutes(options.Value.OutboxDegradedAfterMinutes);
        if (backlog.OldestAge is not { } age) return HealthCheckResult.Healthy("No messages waiting");
        var description = $"{backlog.Waiting} message{(backlog.Waiting == 1 ? "" : "s")} waiting, the oldest for {(int)age.TotalMinutes} min";
        return age > limit
            ? HealthCheckResult.Degraded($"{description} (more than {options.Value.OutboxDegradedAfterMinutes} min)")
            : HealthCheckResult.Healthy(description);
    }
}

/// <summary>
/// The outbox backlog as gauges, read when the metric reader collects. Their meter belongs to this
/// host (and goes with it), under the app's meter name.
/// </summary>
internal sealed class OutboxGauges(OutboxMonitor monitor, IMeterFactory meters) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        var meter = meters.Create(AppTelemetry.Name);
        meter.CreateObservableGauge("consulting.outbox.backlog", () => Read().Waiting, "{message}",
            "Message deliveries not yet sent");
        meter.CreateObservableGauge("consulting.outbox.oldest_age", () => Read().OldestAge?.TotalSeconds ?? 0, "s",
            "How long the oldest unsent message has waited");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    // The reader collects on its own thread; the monitor answers from its cache most of the time.
    private OutboxBacklog Read() => monitor.GetAsync(CancellationToken.None).GetAwaiter().GetResult();
}

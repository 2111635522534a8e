using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Consulting.Tests.Hosting;

/// <summary>
/// With OTEL_EXPORTER_OTLP_ENDPOINT set, a hold is traced (the request, our "hold slot" span, its
/// database calls) and counted (consulting.holds.won), seen through OpenTelemetry's in-memory
/// exporter, and the same data goes over OTLP/HTTP to a stand-in collector.
/// </summary>
public sealed class TelemetryTests
{
    private sealed class TelemetryApp(string collector) : AppFactory
    {
        public List<Activity> Spans { get; } = [];
        public List<Metric> Metrics { get; } = [];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(ObservabilitySetup.OtlpEndpointSetting, collector);
            builder.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            builder.ConfigureServices(services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
                services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
            });
        }
    }

    [Fact]
    public async Task A_hold_is_traced_with_its_database_calls_and_counted_as_won()
    {
        var received = new ConcurrentQueue<string>();
        await using var collector = await LoopbackHost.StartAsync("otlp-collector", async context =>
        {
            received.Enqueue($"{context.Request.Method} {context.Request.Path}");
            await context.Request.Body.CopyToAsync(Stream.Null);
        });
        using var app = new TelemetryApp(collector.BaseUrl);
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var slot = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0));
        var client = app.CreateBrowserLikeClient();

        var week = await OpenTimesPage.OpenAsync(client, specialist.Slug, "2026-11-09", "UTC");
        var held = await week.ChooseAsync(slot);
        Assert.Equal(HttpStatusCode.Redirect, held.StatusCode);
        Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));

        // Other tests may hold slots at the same time: this hold is the one of this slot.
        Activity[] spans;
        lock (app.Spans) spans = [.. app.Spans];
        var hold = Assert.Single(spans, s => s.DisplayName == "hold slot" && Equals(s.GetTagItem("consulting.slot.id"), slot.Id));
        Assert.Equal("Held", hold.GetTagItem("consulting.hold.outcome"));
        var request = Assert.Single(spans, s => s.SpanId == hold.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("POST", request.GetTagItem("http.request.method"));
        Assert.Equal(302, request.GetTagItem("http.response.status_code"));
        Assert.Contains(spans, s => s.ParentSpanId == hold.SpanId && s.Kind == ActivityKind.Client && s.GetTagItem("db.system") is not null);

        Metric[] metrics;
        lock (app.Metrics) metrics = [.. app.Metrics];
        Assert.True(Sum(metrics, "consulting.holds.won") >= 1);
        Assert.Contains(metrics, m => m.Name == "consulting.outbox.backlog");
        Assert.Contains(metrics, m => m.Name == "http.server.request.duration");

        Assert.Contains("POST /v1/traces", received);
        Assert.Contains("POST /v1/metrics", received);
    }

    private static long Sum(IEnumerable<Metric> metrics, string name)
    {
        long sum = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
            foreach (ref readonly var point in metric.GetMetricPoints())
                sum += point.GetSumLong();
        return sum;
    }
}

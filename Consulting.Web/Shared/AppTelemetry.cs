using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Consulting.Web.Shared;

/// <summary>
/// The app's own traces and metrics, exported with ASP.NET Core's, HttpClient's, EF Core's and the
/// runtime's when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (<c>Hosting/ObservabilitySetup.cs</c>).
/// Without a listener every call here costs next to nothing.
/// </summary>
public static class AppTelemetry
{
    public const string Name = "Consulting.Web";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>A hold that got its slot (the one conditional write that decides a slot said yes).</summary>
    public static readonly Counter<long> HoldsWon = Meter.CreateCounter<long>("consulting.holds.won", "{hold}",
        "Slot holds that won their slot");

    /// <summary>A hold that found its slot taken (or no longer bookable): the customer was offered alternatives.</summary>
    public static readonly Counter<long> HoldsLost = Meter.CreateCounter<long>("consulting.holds.lost", "{hold}",
        "Slot holds that found their slot taken");

    /// <summary>A background job that failed; tagged with <c>job</c> (which one, or how it ran).</summary>
    public static readonly Counter<long> JobFailures = Meter.CreateCounter<long>("consulting.jobs.failures", "{failure}",
        "Background job runs and message deliveries that failed");
}

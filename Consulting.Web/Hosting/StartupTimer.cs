using System.Diagnostics;

namespace Consulting.Web.Hosting;

/// <summary>
/// Where start-up time goes, measured from the process start: one log line at the first answer
/// ("Start-up: host built 640 ms, database ready 700 ms, listening 760 ms, first answer 905 ms
/// (GET /healthz)"). bench/startup.sh prints it as the cost breakdown.
/// </summary>
public static class StartupTimer
{
    private static readonly List<(string Phase, long Ms)> Phases = [];
    private static int _answered;

    /// <summary>Milliseconds since the process started (the runtime's own start-up included).</summary>
    public static long Elapsed => (long)(DateTime.UtcNow - Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalMilliseconds;

    public static void Mark(string phase)
    {
        lock (Phases) Phases.Add((phase, Elapsed));
    }

    /// <summary>First in the pipeline: logs the phases once, when the first response has been written.</summary>
    public static IApplicationBuilder UseStartupTimer(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() => Mark("listening"));
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupTimer).FullName!);
        return app.Use(async (context, next) =>
        {
            await next(context);
            if (Volatile.Read(ref _answered) != 0 || Interlocked.Exchange(ref _answered, 1) != 0) return;
            Mark("first answer");
            string summary;
            lock (Phases) summary = string.Join(", ", Phases.Select(p => $"{p.Phase} {p.Ms} ms"));
            log.LogInformation("Start-up: {Phases} ({Method} {Path})", summary, context.Request.Method, context.Request.Path.Value);
        });
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit.Sdk;

namespace Consulting.Tests.Support;

public sealed record IcsParty(string Value, string? Cn, string? Rsvp, string? Partstat, string? Role);

public sealed record IcsEvent(
    string Uid,
    int Sequence,
    string? Status,
    string? Summary,
    string? Description,
    string? Location,
    string? Url,
    string? Transparency,
    DateTimeOffset Start,
    DateTimeOffset? End,
    string? StartTzid,
    DateTimeOffset Stamp,
    IcsParty? Organizer,
    IReadOnlyList<IcsParty> Attendees);

/// <summary>What Mozilla's ical.js read from a calendar: times are UTC, as a calendar app would place them.</summary>
public sealed record IcsSummary(string? Method, string? ProdId, string? CalendarName, IReadOnlyList<string> TimeZones, IReadOnlyList<IcsEvent> Events)
{
    public IcsEvent Event(string uid) =>
        Events.SingleOrDefault(e => e.Uid == uid) ?? throw new XunitException($"No VEVENT with UID {uid}; UIDs: {string.Join(", ", Events.Select(e => e.Uid))}");
}

/// <summary>
/// Validates .ics text with Mozilla's ical.js (Support/validate-ics.mjs under node), failing the test
/// with ical.js's message when the calendar is invalid. Needs node and <c>npm ci --prefix Consulting.Tests</c>.
/// </summary>
public static class IcsValidator
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
    private static readonly Lazy<(string Script, string TestsFolder)> Paths = new(FindPaths);

    public static IcsSummary Validate(string ics)
    {
        var (script, testsFolder) = Paths.Value;
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script },
            WorkingDirectory = testsFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        // Floating times would be read in the machine's zone; the script refuses them, and UTC here
        // keeps anything it missed from depending on where the tests run.
        start.Environment["TZ"] = "UTC";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new XunitException("node did not start.");
        }
        catch (Win32Exception e)
        {
            throw new XunitException($"The .ics validator needs node on PATH ({e.Message}). Install Node.js, then run: npm ci --prefix Consulting.Tests");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(ics);
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill(entireProcessTree: true);
                throw new XunitException("The .ics validator (node) did not finish within 30 s.");
            }
            if (process.ExitCode != 0)
                throw new XunitException($"ical.js rejected the calendar: {errors.Result.Trim()}\n--- .ics ---\n{ics}");
            return JsonSerializer.Deserialize<IcsSummary>(output.Result, Json)
                ?? throw new XunitException("The .ics validator printed nothing.");
        }
    }

    /// <summary>The script lives in the repository, not the build output: walk up to the folder with Consulting.sln.</summary>
    private static (string, string) FindPaths()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Consulting.sln"))) dir = dir.Parent;
        if (dir is null) throw new XunitException($"Consulting.sln not found above {AppContext.BaseDirectory}.");
        var tests = Path.Combine(dir.FullName, "Consulting.Tests");
        var script = Path.Combine(tests, "Support", "validate-ics.mjs");
        if (!File.Exists(script)) throw new XunitException($"{script} is missing.");
        if (!File.Exists(Path.Combine(tests, "node_modules", "ical.js", "package.json")))
            throw new XunitException("ical.js is not installed for the .ics validator. Run: npm ci --prefix Consulting.Tests");
        return (script, tests);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace Consulting.Tests.Support;

/// <summary>
/// What the accessibility tour checks on a page: axe-core's WCAG 2.1 A/AA rules, horizontal overflow
/// at a phone's width, and the Nu HTML checker over saved HTML. Both tools come from the test
/// project's npm packages (never a CDN); the checker runs under Debian's Java.
/// </summary>
public static class PageChecks
{
    public const int PhoneWidth = 390;

    private static readonly Lazy<string> TestsFolder = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Consulting.sln"))) dir = dir.Parent;
        if (dir is null) throw new XunitException($"Consulting.sln not found above {AppContext.BaseDirectory}.");
        return Path.Combine(dir.FullName, "Consulting.Tests");
    });

    private static readonly Lazy<string> AxeScript = new(() =>
    {
        var path = Path.Combine(TestsFolder.Value, "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(path)) throw new XunitException("axe-core is not installed. Run: npm ci --prefix Consulting.Tests");
        return File.ReadAllText(path);
    });

    /// <summary>axe-core's violations of WCAG 2.0/2.1 A and AA on the page as it is now, one line each with up to three offending elements.</summary>
    public static async Task<IReadOnlyList<string>> AxeViolationsAsync(IPage page)
    {
        // Evaluated as a string, so a page whose own scripts were blocked still gets axe.
        await page.EvaluateAsync(AxeScript.Value);
        return await page.EvaluateAsync<string[]>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations.map(v => `${v.id} (${v.help}): ` + v.nodes.slice(0, 3)
                .map(n => `${n.target.join(' ')} — ${(n.failureSummary || '').replace(/\s+/g, ' ')}`).join(' | ')
                + (v.nodes.length > 3 ? ` | …and ${v.nodes.length - 3} more` : ''));
            }
            """);
    }

    /// <summary>The elements that stick out past the right edge at <see cref="PhoneWidth"/> (empty when the page doesn't scroll sideways).</summary>
    public static async Task<IReadOnlyList<string>> PhoneOverflowAsync(IPage page)
    {
        var before = page.ViewportSize;
        await page.SetViewportSizeAsync(PhoneWidth, 844);
        try
        {
            return await page.EvaluateAsync<string[]>("""
                () => {
                  const width = document.documentElement.clientWidth;
                  if (document.documentElement.scrollWidth <= width) return [];
                  const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.classList.length ? '.' + [...e.classList].join('.') : '');
                  const wide = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > width + 1);
                  // The outermost offenders say where to look; their children overflow with them.
                  const outermost = wide.filter(e => !wide.includes(e.parentElement));
                  return [`scrolls sideways: ${document.documentElement.scrollWidth}px wide`]
                    .concat(outermost.slice(0, 5).map(e => `${describe(e)} reaches ${Math.round(e.getBoundingClientRect().right)}px`));
                }
                """);
        }
        finally
        {
            if (before is not null) await page.SetViewportSizeAsync(before.Width, before.Height);
        }
    }

    /// <summary>
    /// The Nu HTML checker's errors in each file, as "file: line N: message". htmx's <c>hx-*</c>
    /// attributes are not HTML and are ignored, as are Razor's CSS-isolation <c>b-…</c> attributes.
    /// </summary>
    public static async Task<IReadOnlyList<string>> NuErrorsAsync(IReadOnlyCollection<string> htmlFiles)
    {
        if (htmlFiles.Count == 0) return [];
        var jar = Path.Combine(TestsFolder.Value, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
        if (!File.Exists(jar)) throw new XunitException("vnu-jar is not installed. Run: npm ci --prefix Consulting.Tests");
        var start = new ProcessStartInfo("java")
        {
            ArgumentList = { "-Xss8m", "-jar", jar, "--errors-only", "--format", "json", "--stdout" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var file in htmlFiles) start.ArgumentList.Add(file);
        using var process = Process.Start(start) ?? throw new XunitException("java did not start (install default-jre-headless)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var json = await output;
        if (string.IsNullOrWhiteSpace(json)) throw new XunitException($"The Nu checker gave no report (exit {process.ExitCode}): {await error}");

        var errors = new List<string>();
        foreach (var message in JsonDocument.Parse(json).RootElement.GetProperty("messages").EnumerateArray())
        {
            var text = message.GetProperty("message").GetString() ?? "";
            if (text.Contains("“hx-", StringComparison.Ordinal) || System.Text.RegularExpressions.Regex.IsMatch(text, "“b-[a-z0-9]{10}”")) continue;
            // The file with its folder ("Customer/home.html"): one run may check several folders.
            var file = message.TryGetProperty("url", out var url) ? string.Join('/', url.GetString()!.Split('/').TakeLast(2)) : "?";
            var line = message.TryGetProperty("lastLine", out var l) ? l.GetInt32() : 0;
            var extract = message.TryGetProperty("extract", out var e) ? e.GetString()?.Trim() : null;
            errors.Add($"{file}: line {line}: {text}{(extract is null ? "" : $"  [{extract}]")}");
        }
        return errors;
    }
}

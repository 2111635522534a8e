using System.Text.RegularExpressions;
using Consulting.Web.Notifications;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Net.Http.Headers;
using MimeKit;

namespace Consulting.Web.Pages.Dev;

/// <summary>
/// Development only: the emails the pickup-folder transport wrote, newest first, and one message
/// with its parts. Everywhere else (or with SMTP configured) the page doesn't exist.
/// </summary>
public sealed partial class MailboxModel(IWebHostEnvironment env, IEmailTransport transport) : PageModel
{
    private const int MaxListed = 200;

    public sealed record Entry(string Name, string Subject, string To, DateTimeOffset? Date);

    public sealed record Part(int Index, string ContentType, string? FileName, long Size);

    public IReadOnlyList<Entry> Messages { get; private set; } = [];
    public string Folder { get; private set; } = "";
    public string? Name { get; private set; }
    public MimeMessage? Message { get; private set; }
    public IReadOnlyList<Part> Parts { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? name, int? part, CancellationToken ct)
    {
        if (!env.IsDevelopment() || transport is not PickupFolderEmailTransport pickup) return NotFound();
        Folder = pickup.Directory;
        var names = Directory.Exists(Folder)
            ? Directory.EnumerateFiles(Folder, "*.eml").Select(Path.GetFileName).OfType<string>()
                // The transport names files by time, so name order is arrival order.
                .OrderDescending(StringComparer.Ordinal).ToList()
            : [];
        Response.Headers.CacheControl = "no-store";

        if (name is null)
        {
            var entries = new List<Entry>();
            foreach (var file in names.Take(MaxListed))
            {
                var message = await MimeMessage.LoadAsync(Path.Combine(Folder, file), ct);
                entries.Add(new Entry(file, message.Subject ?? "(no subject)", message.To.ToString(),
                    message.Date == DateTimeOffset.MinValue ? null : message.Date));
            }
            Messages = entries;
            return Page();
        }

        // Only names the folder listing produced: nothing from the URL reaches the file system.
        var known = names.FirstOrDefault(n => string.Equals(n, name, StringComparison.Ordinal));
        if (known is null) return NotFound();
        Name = known;
        Message = await MimeMessage.LoadAsync(Path.Combine(Folder, known), ct);
        var parts = Message.BodyParts.OfType<MimePart>().ToList();

        if (part is { } index)
        {
            if (index < 0 || index >= parts.Count) return NotFound();
            var chosen = parts[index];
            using var content = new MemoryStream();
            if (chosen.Content is not null) await chosen.Content.DecodeToAsync(content, ct);
            var download = chosen.FileName is { Length: > 0 } fileName ? Path.GetFileName(fileName)
                : $"part-{index}{(MimeTypes.TryGetExtension(chosen.ContentType.MimeType, out var extension) ? extension : ".bin")}";
            // An attachment, never rendered inline: an email's HTML must not run in the app's origin.
            return File(content.ToArray(), MediaType(chosen.ContentType), download);
        }

        Parts = [.. parts.Select((p, i) => new Part(i, MediaType(p.ContentType), p.FileName, p.Content?.Stream?.Length ?? 0))];
        return Page();
    }

    /// <summary>"text/calendar; method=REQUEST; charset=utf-8": the part's type with its parameters.</summary>
    private static string MediaType(MimeKit.ContentType type)
    {
        var media = new MediaTypeHeaderValue(type.MimeType);
        foreach (var parameter in type.Parameters)
        {
            var value = Token().IsMatch(parameter.Value) ? parameter.Value : HeaderUtilities.EscapeAsQuotedString(parameter.Value).ToString();
            media.Parameters.Add(new NameValueHeaderValue(parameter.Name, value));
        }
        return media.ToString();
    }

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex Token();
}

using Microsoft.Extensions.Options;
using MimeKit;
using NodaTime;

namespace Consulting.Web.Notifications;

/// <summary>
/// Writes each message as an .eml file instead of sending it, so the app runs with no mail server.
/// The file appears under its final name only when complete (write to a temp name, then move).
/// </summary>
public sealed class PickupFolderEmailTransport(IOptions<EmailOptions> options, IWebHostEnvironment env, IClock clock) : IEmailTransport
{
    public string Name => "pickup";

    public string Directory => Path.GetFullPath(Path.Combine(env.ContentRootPath, options.Value.PickupDirectory));

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (string.IsNullOrEmpty(message.MessageId)) message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        // Time-ordered names so a folder listing reads oldest first.
        var name = $"{clock.GetCurrentInstant().ToUnixTimeMilliseconds():D15}-{Guid.NewGuid():N}.eml";
        var temp = Path.Combine(Directory, name + ".tmp");
        await message.WriteToAsync(temp, ct);
        File.Move(temp, Path.Combine(Directory, name));
    }

    public const string TempSuffix = ".eml.tmp";

    /// <summary>
    /// A write cut short (the process killed between writing and moving) leaves a partial
    /// <c>.eml.tmp</c>. Its delivery was never recorded as sent, so the outbox sends the message again:
    /// the leftover is only deleted. One untouched for <paramref name="olderThan"/> is a leftover; a
    /// younger one may be another instance's write in progress on a shared folder.
    /// </summary>
    public IReadOnlyList<string> RemoveLeftovers(TimeSpan olderThan)
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var removed = new List<string>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*" + TempSuffix))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) < olderThan) continue;
            try
            {
                File.Delete(file);
                removed.Add(Path.GetFileName(file));
            }
            catch (IOException)
            {
                // Still open somewhere: the next start looks again.
            }
        }
        return removed;
    }
}

/// <summary>At start, removes what a killed write left in the pickup folder (<see cref="PickupFolderEmailTransport.RemoveLeftovers"/>).</summary>
public sealed class PickupFolderCleanup(PickupFolderEmailTransport pickup, ILogger<PickupFolderCleanup> log) : IHostedService
{
    /// <summary>Writing one message takes milliseconds; a temp file this old belongs to no running write.</summary>
    public static readonly TimeSpan LeftoverAge = TimeSpan.FromMinutes(5);

    public Task StartAsync(CancellationToken ct)
    {
        var removed = pickup.RemoveLeftovers(LeftoverAge);
        if (removed.Count > 0)
            log.LogWarning("Removed {Count} partly written emails from {Directory} ({Files}); the outbox sends them again",
                removed.Count, pickup.Directory, string.Join(", ", removed));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

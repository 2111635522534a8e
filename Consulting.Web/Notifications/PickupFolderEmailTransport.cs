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
}

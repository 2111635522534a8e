using Consulting.Tests.Support;
using Consulting.Web.Notifications;

namespace Consulting.Tests.Notifications;

/// <summary>A write killed between the temp file and its move leaves a partial .eml.tmp; the next start removes it.</summary>
public sealed class PickupFolderCleanupTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public void At_start_leftover_partial_emails_are_removed_and_complete_or_in_progress_ones_kept()
    {
        Directory.CreateDirectory(_app.MailDirectory);
        string Write(string name, TimeSpan age)
        {
            var path = Path.Combine(_app.MailDirectory, name);
            File.WriteAllText(path, "From: no-reply@consulting.local\r\nSubject: cut sh");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
            return path;
        }
        var leftover = Write("000001762084800000-killed" + PickupFolderEmailTransport.TempSuffix, TimeSpan.FromHours(1));
        var writing = Write("000001762084800001-writing.eml.tmp", TimeSpan.Zero);
        var complete = Write("000001762084800002-sent.eml", TimeSpan.FromHours(1));

        _ = _app.Services; // starts the app

        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(writing));
        Assert.True(File.Exists(complete));
    }
}

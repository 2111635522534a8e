using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Consulting.Tests.Support;

/// <summary>
/// A real SMTP server on 127.0.0.1: Debian's aiosmtpd with its Mailbox handler, which stores each
/// message it accepts as a file in a maildir (<c>new/</c>). Started on a free port; killed on dispose.
/// </summary>
public sealed class SmtpListener : IAsyncDisposable
{
    // Debian's interpreter: the python3 first on PATH may lack the module (TESTING.md).
    private const string Python = "/usr/bin/python3";

    private readonly Process _process;

    public int Port { get; }
    public string Maildir { get; }

    private SmtpListener(Process process, int port, string maildir) => (_process, Port, Maildir) = (process, port, maildir);

    /// <param name="port">A port to listen on (e.g. one an app was pointed at while no server ran); a free one by default.</param>
    public static async Task<SmtpListener> StartAsync(int? port = null)
    {
        var maildir = Path.Combine(Path.GetTempPath(), "consulting-smtp", Guid.NewGuid().ToString("N"));
        foreach (var sub in new[] { "cur", "new", "tmp" }) Directory.CreateDirectory(Path.Combine(maildir, sub));
        var listenOn = port ?? FreePort();
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{listenOn}", "-c", "aiosmtpd.handlers.Mailbox", maildir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start aiosmtpd.");
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var listener = new SmtpListener(process, listenOn, maildir);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (process.HasExited)
            {
                await listener.DisposeAsync();
                lock (stderr) throw new InvalidOperationException(
                    $"aiosmtpd exited with {process.ExitCode} (is python3-aiosmtpd installed? .ci/test.sh installs it): {stderr}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, listenOn);
                return listener;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>The messages received so far, oldest first; waits up to <paramref name="timeout"/> for <paramref name="count"/> of them.</summary>
    public async Task<IReadOnlyList<MimeMessage>> MessagesAsync(int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        var folder = Path.Combine(Maildir, "new");
        while (Directory.GetFiles(folder).Length < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        var messages = new List<MimeMessage>();
        foreach (var file in Directory.GetFiles(folder).OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal))
            messages.Add(await MimeMessage.LoadAsync(file));
        return messages;
    }

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
        try { Directory.Delete(Maildir, recursive: true); }
        catch (IOException) { /* the OS cleans the temp folder */ }
    }
}

using System.Security.Cryptography;
using System.Text;
using Consulting.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Consulting.Tests.Calendar;

/// <summary>
/// A calendar server on loopback for the busy-time tests: <c>/ics/{file}</c> serves a file of
/// Calendar/Ics with an ETag (and answers 304 to it); <see cref="Override"/> makes every request
/// answer something else (404, HTML, a slow or oversized body, a redirect).
/// </summary>
public sealed class CalendarServer : IAsyncDisposable
{
    private readonly LoopbackHost _host;
    private int _notModified;
    private int _requests;

    private CalendarServer(LoopbackHost host) => _host = host;

    public string BaseUrl => _host.BaseUrl;
    public string Url(string file) => $"{BaseUrl}/ics/{file}";
    /// <summary>When set, answers every request instead of the files.</summary>
    public Func<HttpContext, Task>? Override { get; set; }
    public int NotModifiedCount => _notModified;
    /// <summary>Every request, whatever answered it.</summary>
    public int RequestCount => _requests;
    public List<string> IfNoneMatchSeen { get; } = [];

    public static async Task<CalendarServer> StartAsync()
    {
        CalendarServer? server = null;
        var host = await LoopbackHost.StartAsync("CalendarServer", context => server!.HandleAsync(context));
        server = new CalendarServer(host);
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Override is { } respond) await respond(context);
        else await ServeFileAsync(context);
    }

    /// <summary>The file the path names, as the server answers without an override (an override may end with it).</summary>
    public async Task ServeFileAsync(HttpContext context)
    {
        var file = context.Request.Path.Value!.Replace("/ics/", "");
        var text = BusyTimesTests.Ics(file);
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16] + "\"";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        lock (IfNoneMatchSeen) IfNoneMatchSeen.Add(ifNoneMatch);
        if (ifNoneMatch == etag)
        {
            Interlocked.Increment(ref _notModified);
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        context.Response.Headers.ETag = etag;
        context.Response.ContentType = "text/calendar; charset=utf-8";
        await context.Response.WriteAsync(text);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

using System.Collections.Concurrent;
using System.Net;
using Consulting.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consulting.Tests.Hosting;

/// <summary>
/// Behind a proxy: X-Forwarded-For counts only when the request comes from a known proxy. The
/// sign-in rate limit (2 a minute here) shows whose address the limiter partitions on, and the
/// request log whose address it records.
/// </summary>
public sealed class ForwardedHeadersTests : IDisposable
{
    private const string Proxy = "10.0.0.5";
    /// <summary>The test's stand-in for the TCP peer: the address the request arrives from.</summary>
    private const string PeerHeader = "X-Test-Peer";

    private readonly ProxiedApp _app = new();

    private sealed class ProxiedApp : AppFactory
    {
        public ConcurrentQueue<string> RequestLog { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ForwardedHeaders:KnownProxies", Proxy);
            builder.UseSetting("RateLimits:SignInPerMinute", "2");
            builder.UseSetting("Logging:LogLevel:Consulting.Web.Requests", "Information");
            builder.ConfigureLogging(logging => logging.AddProvider(new Capture(RequestLog)));
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, PeerFromHeader>());
        }
    }

    /// <summary>Before the app's own pipeline: the in-memory test server has no socket, so the peer comes from a header.</summary>
    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers[PeerHeader].ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class Capture(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);
        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => category == "Consulting.Web.Requests";
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) lines.Enqueue(formatter(state, exception));
            }
        }
    }

    /// <summary>Wrong-password sign-ins from <paramref name="peer"/>, claiming each <paramref name="forwardedFor"/> in turn; their status codes.</summary>
    private async Task<List<HttpStatusCode>> SignInsAsync(string peer, params string[] forwardedFor)
    {
        var codes = new List<HttpStatusCode>();
        foreach (var client in forwardedFor)
        {
            var http = _app.CreateBrowserLikeClient();
            http.DefaultRequestHeaders.Add(PeerHeader, peer);
            http.DefaultRequestHeaders.Add("X-Forwarded-For", client);
            codes.Add((await http.SignInAsync("nobody@example.test", "not-the-password")).StatusCode);
        }
        return codes;
    }

    [Fact]
    public async Task Behind_a_known_proxy_each_client_has_its_own_limit_and_is_logged_by_its_own_address()
    {
        var first = await SignInsAsync(Proxy, "203.0.113.7", "203.0.113.7", "203.0.113.7");
        var second = await SignInsAsync(Proxy, "203.0.113.8");

        Assert.Equal(HttpStatusCode.TooManyRequests, first[2]);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, first.Take(2));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, Assert.Single(second));
        Assert.Contains(_app.RequestLog, line => line.StartsWith("POST /account/sign-in answered 429 in ") && line.EndsWith(" for 203.0.113.7"));
        Assert.Contains(_app.RequestLog, line => line.StartsWith("POST /account/sign-in answered ") && line.EndsWith(" for 203.0.113.8"));
        Assert.DoesNotContain(_app.RequestLog, line => line.EndsWith(" for " + Proxy));
    }

    [Fact]
    public async Task From_an_unknown_sender_X_Forwarded_For_is_ignored_and_the_sender_is_the_client()
    {
        // Claiming a new address each time would escape the limit if the header were believed.
        var codes = await SignInsAsync("198.51.100.9", "192.0.2.1", "192.0.2.2", "192.0.2.3");

        Assert.Equal(HttpStatusCode.TooManyRequests, codes[2]);
        Assert.All(_app.RequestLog.Where(l => l.StartsWith("POST ")), line => Assert.EndsWith(" for 198.51.100.9", line));
    }

    public void Dispose() => _app.Dispose();
}

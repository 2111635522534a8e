using Microsoft.AspNetCore.Hosting;

namespace Consulting.Tests.Support;

/// <summary>
/// The app behind a proxy at 127.0.0.1: a test's client talks to Kestrel on loopback and names the
/// client it stands for in X-Forwarded-For, which the app then believes (as behind a real proxy).
/// </summary>
public sealed class LoopbackProxyApp(params (string Key, string Value)[] settings) : AppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ForwardedHeaders:KnownProxies", "127.0.0.1");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>A client (cookies kept, redirects not followed) that claims to be <paramref name="address"/>.</summary>
    public HttpClient ClientFrom(string address)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
        {
            BaseAddress = new Uri(StartKestrel()),
        };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return http;
    }
}

namespace Consulting.Web.Hosting;

public static class SecurityHeaders
{
    // Scripts only from our own origin (htmx is vendored); htmx's indicator styles are turned off
    // in the layout's htmx-config, so no inline style or script is needed.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
        // The development mailbox previews emails, whose styles are inline, in a sandboxed frame.
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/dev/mailbox")
            ? ContentSecurityPolicy.Replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
            : ContentSecurityPolicy;
        return next(context);
    });
}

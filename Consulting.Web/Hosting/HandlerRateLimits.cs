using System.Reflection;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.RateLimiting;

namespace Consulting.Web.Hosting;

/// <summary>
/// On a page handler method: its requests (and only those of the page's handlers) go through the
/// rate-limit policy <paramref name="policy"/>. Razor Pages ignores <see cref="EnableRateLimitingAttribute"/>
/// on a handler method, so handlers say it with this and <see cref="HandlerRateLimitConvention"/> applies it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HandlerRateLimitAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}

/// <summary>
/// Razor Pages builds one endpoint per page, so the rate limiter (which runs before a handler is
/// chosen) sees only the page's endpoint. This convention puts each <see cref="HandlerRateLimitAttribute"/>'s
/// policy on the page's endpoint, with a <see cref="RateLimitedHandler"/> naming the handler, so the
/// policy limits that handler's requests and lets the page's others through. An
/// <see cref="EnableRateLimitingAttribute"/> on a handler method, which would silently do nothing, stops the start.
/// </summary>
public sealed class HandlerRateLimitConvention : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        foreach (var handler in model.HandlerMethods)
        {
            if (handler.MethodInfo.IsDefined(typeof(EnableRateLimitingAttribute), inherit: false))
                throw new InvalidOperationException($"{model.ViewEnginePath}: {handler.MethodInfo.Name} has [EnableRateLimiting], which Razor Pages " +
                    $"ignores on a handler; use [{nameof(HandlerRateLimitAttribute).Replace("Attribute", "")}] instead.");
            if (handler.MethodInfo.GetCustomAttribute<HandlerRateLimitAttribute>() is not { Policy: var policy }) continue;
            if (!model.EndpointMetadata.OfType<EnableRateLimitingAttribute>().Any())
                model.EndpointMetadata.Add(new EnableRateLimitingAttribute(policy));
            else if (model.EndpointMetadata.OfType<EnableRateLimitingAttribute>().Any(a => a.PolicyName != policy))
                throw new InvalidOperationException($"{model.ViewEnginePath} names more than one rate-limit policy; a page endpoint has one.");
            model.EndpointMetadata.Add(new RateLimitedHandler(handler.HttpMethod, handler.HandlerName));
        }
    }
}

/// <summary>Endpoint metadata: the page's handler (HTTP method, handler name or null) that its rate-limit policy covers.</summary>
public sealed record RateLimitedHandler(string HttpMethod, string? HandlerName)
{
    /// <summary>
    /// Whether the request goes to a rate-limited handler of its page. A page without these
    /// entries (its whole model carries the attribute) is limited for every request the policy takes.
    /// </summary>
    public static bool Covers(HttpContext context)
    {
        var handlers = context.GetEndpoint()?.Metadata.GetOrderedMetadata<RateLimitedHandler>() ?? [];
        if (handlers.Count == 0) return true;
        // Razor Pages picks the handler from the route's {handler} value, else the query's ?handler=.
        var name = context.Request.RouteValues["handler"]?.ToString();
        if (string.IsNullOrEmpty(name)) name = context.Request.Query["handler"].FirstOrDefault();
        var method = HttpMethods.IsHead(context.Request.Method) ? HttpMethods.Get : context.Request.Method;
        return handlers.Any(h => string.Equals(h.HttpMethod, method, StringComparison.OrdinalIgnoreCase)
            && string.Equals(h.HandlerName ?? "", name ?? "", StringComparison.OrdinalIgnoreCase));
    }
}

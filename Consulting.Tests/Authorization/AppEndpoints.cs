using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Authorization;

/// <summary>
/// One thing a client can ask of the app: a method on a route, and for Razor Pages the named
/// handler (<c>OnPostRefundAsync</c> is "POST /admin/payments?handler=Refund").
/// </summary>
/// <param name="Method">GET, POST, HEAD…, or ANY for an endpoint that takes every method (health checks).</param>
/// <param name="Parameters">The handler's bound parameters (not services), by name and type.</param>
public sealed record AppEndpoint(string Method, RoutePattern Route, string? Handler, IReadOnlyList<(string Name, Type Type)> Parameters)
{
    /// <summary>
    /// Every form field or query value the handler binds, by the name a request sends it under
    /// ("Input.Email", "NewException.Windows[0].Start", "slotId"), route values left out.
    /// </summary>
    public IReadOnlyList<(string Name, Type Type)> Fields { get; init; } = [];

    public const string AnyMethod = "ANY";

    /// <summary>A Razor Page handler (a page a browser opens), rather than a minimal API or framework endpoint.</summary>
    public bool IsPage { get; init; }

    public string Path => "/" + Route.RawText!.TrimStart('/');

    /// <summary>The stable name a matrix row uses, e.g. "POST /bookings/{id:guid}/cancel".</summary>
    public string Key => $"{Method} {Path}{(Handler is null ? "" : "?handler=" + Handler)}";

    public override string ToString() => Key;
}

public static class AppEndpoints
{
    /// <summary>Every route endpoint of the running app, one per method and page handler, by key.</summary>
    public static async Task<IReadOnlyList<AppEndpoint>> ListAsync(IServiceProvider services)
    {
        var loader = services.GetRequiredService<PageLoader>();
        var all = new List<AppEndpoint>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                // A page takes any method at routing; its handler methods are what it really answers.
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                all.AddRange(compiled.HandlerMethods.Select(h => new AppEndpoint(h.HttpMethod.ToUpperInvariant(), endpoint.RoutePattern,
                    string.IsNullOrEmpty(h.Name) ? null : h.Name,
                    h.Parameters.Where(p => p.BindingInfo?.BindingSource?.IsFromRequest != false)
                        .Select(p => (p.Name, p.ParameterType)).ToList())
                {
                    IsPage = true,
                    Fields = FieldsOf(h, compiled, endpoint.RoutePattern, HttpMethods.IsGet(h.HttpMethod)),
                }));
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [AppEndpoint.AnyMethod];
            all.AddRange(methods.Select(m => new AppEndpoint(m, endpoint.RoutePattern, null, [])));
        }
        return [.. all.OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal)];
    }

    /// <summary>The handler's own parameters and the page's bound properties (those bound on GET too, for a GET), flattened.</summary>
    private static List<(string, Type)> FieldsOf(HandlerMethodDescriptor handler, CompiledPageActionDescriptor page, RoutePattern route, bool isGet)
    {
        var fields = new List<(string, Type)>();
        var inRoute = route.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in handler.Parameters.Where(p => p.BindingInfo?.BindingSource?.IsFromRequest != false && !inRoute.Contains(p.Name)))
            Flatten(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType, fields, 0);
        foreach (var property in page.BoundProperties.OfType<PageBoundPropertyDescriptor>())
        {
            var supportsGet = property.Property.GetCustomAttributes(typeof(Microsoft.AspNetCore.Mvc.BindPropertyAttribute), true)
                .OfType<Microsoft.AspNetCore.Mvc.BindPropertyAttribute>().Any(a => a.SupportsGet);
            if (isGet && !supportsGet) continue;
            Flatten(property.BindingInfo?.BinderModelName ?? property.Name, property.ParameterType, fields, 0);
        }
        return fields;
    }

    private static void Flatten(string name, Type type, List<(string, Type)> fields, int depth)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        if (plain.IsPrimitive || plain.IsEnum || plain == typeof(string) || plain == typeof(Guid) || plain == typeof(decimal) || depth > 2)
        {
            fields.Add((name, type));
            return;
        }
        // A list of inputs: its first two items, as the forms send them.
        if (plain.IsGenericType && plain.GetGenericTypeDefinition() == typeof(List<>))
        {
            for (var i = 0; i < 2; i++) Flatten($"{name}[{i}]", plain.GetGenericArguments()[0], fields, depth + 1);
            return;
        }
        var properties = plain.GetProperties().Where(p => p.CanWrite && p.GetIndexParameters().Length == 0).ToList();
        // A value type the binder converts from text (NodaTime's, say) is one field.
        if (properties.Count == 0) fields.Add((name, type));
        foreach (var property in properties) Flatten($"{name}.{property.Name}", property.PropertyType, fields, depth + 1);
    }

    /// <summary>The endpoint's path with its route parameters filled in; an optional one without a value is left out.</summary>
    public static string PathFor(this AppEndpoint endpoint, IReadOnlyDictionary<string, string> values)
    {
        var segments = new List<string>();
        foreach (var segment in endpoint.Route.PathSegments)
        {
            var text = string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart { IsOptional: true } optional => Uri.EscapeDataString(values.GetValueOrDefault(optional.Name, "")),
                RoutePatternParameterPart parameter => values.TryGetValue(parameter.Name, out var value)
                    ? Uri.EscapeDataString(value)
                    : throw new InvalidOperationException($"{endpoint.Key}: no value for route parameter '{parameter.Name}'."),
                _ => throw new NotSupportedException(part.GetType().Name),
            }));
            if (text.Length > 0) segments.Add(text);
        }
        return "/" + string.Join('/', segments);
    }
}

using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Routing;
using Microsoft.AspNetCore.Routing;

namespace Consulting.Web.Hosting;

/// <summary>
/// Framework defaults that answer hostile requests with a 500, each replaced by a clear 4xx:
/// unknown HTTP methods on pages, checkbox values that aren't booleans, redirects to URLs a header
/// can't carry.
/// </summary>
public static class HostileInput
{
    public static IServiceCollection AddHostileInputGuards(this IServiceCollection services)
    {
        services.Configure<MvcOptions>(o => o.ModelBinderProviders.Insert(0, new BooleanBinderProvider()));
        services.AddSingleton<IActionResultExecutor<RedirectResult>, HeaderSafeRedirectExecutor>();
        services.AddSingleton<IActionResultExecutor<LocalRedirectResult>, HeaderSafeLocalRedirectExecutor>();
        // Signing in on the sign-in page, the cookie handler itself redirects to ?ReturnUrl= as given.
        services.ConfigureApplicationCookie(o => o.Events.OnRedirectToReturnUrl = context =>
        {
            context.Response.Redirect(HeaderSafeUrl(context.RedirectUri));
            return Task.CompletedTask;
        });
        return services;
    }

    /// <summary>
    /// A URL as a Location header can carry it: non-ASCII and control characters percent-encoded
    /// as UTF-8 (Kestrel refuses them in a header with an exception), everything else unchanged.
    /// </summary>
    public static string HeaderSafeUrl(string url)
    {
        if (url.All(c => c is > ' ' and < '\u007f')) return url;
        var safe = new StringBuilder(url.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(url))
        {
            if (b is > (byte)' ' and < 0x7f) safe.Append((char)b);
            else safe.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return safe.ToString();
    }
}

/// <summary>
/// Each page endpoint accepts only the HTTP methods its handlers answer (HEAD with GET): anything
/// else (PUT, PATCH, DELETE) is a 405 from routing, with an Allow header, instead of running the
/// page without a handler and failing on the data that handler would have loaded.
/// </summary>
public sealed class PageMethodsConvention : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        var methods = model.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant()).ToHashSet();
        // A page without handler methods renders for GET only.
        if (methods.Count == 0) methods.Add(HttpMethods.Get);
        if (methods.Contains(HttpMethods.Get)) methods.Add(HttpMethods.Head);
        model.EndpointMetadata.Add(new HttpMethodMetadata([.. methods.Order()]));
    }
}

/// <summary>
/// Booleans accept "true"/"false" (any case; the checkbox helper's "true" plus hidden "false") and
/// "on" (a bare checkbox). Anything else is a model error, and the value kept for re-rendering is
/// false, since the checkbox tag helper throws on an attempted value it can't read as a boolean.
/// </summary>
public sealed class BooleanBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
        context.Metadata.UnderlyingOrModelType == typeof(bool) ? new BooleanBinder() : null;

    private sealed class BooleanBinder : IModelBinder
    {
        public Task BindModelAsync(ModelBindingContext context)
        {
            var values = context.ValueProvider.GetValue(context.ModelName);
            if (values == ValueProviderResult.None) return Task.CompletedTask;
            var text = values.FirstValue?.Trim() ?? "";
            bool? parsed = text.Length == 0 ? null
                : bool.TryParse(text, out var b) ? b
                : string.Equals(text, "on", StringComparison.OrdinalIgnoreCase) ? true
                : null;
            if (parsed is { } value)
            {
                context.ModelState.SetModelValue(context.ModelName, value, value ? "true" : "false");
                context.Result = ModelBindingResult.Success(value);
            }
            else if (text.Length == 0 && context.ModelMetadata.IsReferenceOrNullableType)
            {
                context.Result = ModelBindingResult.Success(null);
            }
            else
            {
                context.ModelState.SetModelValue(context.ModelName, false, "false");
                context.ModelState.TryAddModelError(context.ModelName, "Choose yes or no.");
                context.Result = ModelBindingResult.Failed();
            }
            return Task.CompletedTask;
        }
    }
}

internal sealed class HeaderSafeRedirectExecutor(ILoggerFactory logs, IUrlHelperFactory urls) : IActionResultExecutor<RedirectResult>
{
    private readonly RedirectResultExecutor _inner = new(logs, urls);

    public Task ExecuteAsync(ActionContext context, RedirectResult result) =>
        _inner.ExecuteAsync(context, new RedirectResult(HostileInput.HeaderSafeUrl(result.Url), result.Permanent, result.PreserveMethod));
}

internal sealed class HeaderSafeLocalRedirectExecutor(ILoggerFactory logs, IUrlHelperFactory urls) : IActionResultExecutor<LocalRedirectResult>
{
    private readonly LocalRedirectResultExecutor _inner = new(logs, urls);

    public Task ExecuteAsync(ActionContext context, LocalRedirectResult result) =>
        _inner.ExecuteAsync(context, new LocalRedirectResult(HostileInput.HeaderSafeUrl(result.Url), result.Permanent, result.PreserveMethod));
}

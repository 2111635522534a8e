using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Hosting;

/// <summary>The one way pages answer invalid input (STYLE rule 6).</summary>
public static class FormResults
{
    /// <summary>
    /// Re-renders the form with its messages: htmx gets the fragment with 200 (htmx 2 doesn't swap
    /// 4xx), everything else the full page with 400.
    /// </summary>
    public static IActionResult InvalidForm(this PageModel page, string? fragment = null)
    {
        if (fragment is not null && page.Request.IsHtmx()) return page.Partial(fragment, page);
        var result = page.Page();
        result.StatusCode = StatusCodes.Status400BadRequest;
        return result;
    }

    /// <summary>The page with a status other than 200: 400 for a broken link, 409 for a refusal the page explains.</summary>
    public static PageResult PageWithStatus(this PageModel page, int statusCode)
    {
        var result = page.Page();
        result.StatusCode = statusCode;
        return result;
    }

    /// <summary>The first message recorded for a field, for forms that render their own error spans.</summary>
    public static string? ErrorFor(this ModelStateDictionary modelState, string key) =>
        modelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    /// <summary>Puts domain/service errors beside their fields; "" means the form as a whole.</summary>
    /// <summary>
    /// The messages of fields the form's own checks found nothing wrong with, so every field is
    /// reported at once while a field already refused keeps its first message.
    /// </summary>
    public static void AddErrorsToValidFields(this ModelStateDictionary modelState, IEnumerable<(string Field, string Message)> errors, string prefix = "Input")
    {
        var refused = modelState.Where(e => e.Value is { Errors.Count: > 0 }).Select(e => e.Key).ToHashSet();
        modelState.AddErrors(errors.Where(e => e.Field.Length > 0 && !refused.Contains($"{prefix}.{e.Field}")), prefix);
    }

    public static void AddErrors(this ModelStateDictionary modelState, IEnumerable<(string Field, string Message)> errors, string prefix = "Input")
    {
        foreach (var (field, message) in errors)
            modelState.AddModelError(field.Length == 0 ? "" : $"{prefix}.{field}", message);
    }
}

using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Consulting.Web.Hosting;

/// <summary>
/// Ties every form field to its message, on every form at once (registered in _ViewImports): a field
/// with an error in ModelState gets <c>aria-invalid="true"</c> and <c>aria-describedby</c> naming its
/// message, whose id is the field's id + "-error". Works from the rendered <c>name</c>, so fields
/// written with <c>asp-for</c> and fields written by hand both get it. The error summary
/// (Pages/Shared/_FormErrors.cshtml) links to the same field ids. A field that sets
/// <c>aria-invalid</c> itself is left alone: pages that repeat one form per row (a day, a slot) say
/// which copy failed.
/// </summary>
[HtmlTargetElement("input", Attributes = "name", TagStructure = TagStructure.WithoutEndTag)]
[HtmlTargetElement("input", Attributes = "asp-for", TagStructure = TagStructure.WithoutEndTag)]
[HtmlTargetElement("select", Attributes = "name")]
[HtmlTargetElement("select", Attributes = "asp-for")]
[HtmlTargetElement("textarea", Attributes = "name")]
[HtmlTargetElement("textarea", Attributes = "asp-for")]
public sealed class InvalidFieldTagHelper : TagHelper
{
    // After the framework's input/select/textarea helpers, which write name and id.
    public override int Order => 1000;

    [HtmlAttributeNotBound, ViewContext]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (output.Attributes.ContainsName("aria-invalid") || output.Attributes["type"]?.Value?.ToString() is "hidden" or "submit") return;
        if (output.Attributes["name"]?.Value?.ToString() is not { Length: > 0 } name) return;
        if (!ViewContext.ViewData.ModelState.TryGetValue(name, out var entry) || entry.Errors.Count == 0) return;
        // The message's id comes from the name (FieldErrorTagHelper), so a field with an id of its own
        // (a radio of a group) still points at it.
        var errorId = FieldIds.Error(FieldIds.For(name));
        output.Attributes.SetAttribute("aria-invalid", "true");
        var describedBy = output.Attributes["aria-describedby"]?.Value?.ToString();
        output.Attributes.SetAttribute("aria-describedby", string.IsNullOrEmpty(describedBy) ? errorId : $"{errorId} {describedBy}");
    }
}

/// <summary>
/// Gives a field's message the id its field's <c>aria-describedby</c> names, while it has one (an
/// empty message needs no id, and forms repeated per row would otherwise repeat it).
/// </summary>
[HtmlTargetElement("span", Attributes = "asp-validation-for")]
[HtmlTargetElement("span", Attributes = "data-valmsg-for")]
public sealed class FieldErrorTagHelper : TagHelper
{
    public override int Order => 1000;

    [HtmlAttributeNotBound, ViewContext]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (output.Attributes.ContainsName("id")) return;
        if (output.Attributes["data-valmsg-for"]?.Value?.ToString() is { Length: > 0 } name
            && ViewContext.ViewData.ModelState.TryGetValue(name, out var entry) && entry.Errors.Count > 0)
            output.Attributes.SetAttribute("id", FieldIds.Error(FieldIds.For(name)));
    }
}

/// <summary>
/// Which form's messages an error summary (Pages/Shared/_FormErrors.cshtml) shows: the fields named
/// <see cref="Prefix"/>.* (every message when null), linked to <see cref="FieldId"/>'s ids when a form repeated on the page
/// (one per weekday) gives its fields ids of their own.
/// </summary>
public sealed record ErrorSummaryScope(string? Prefix, Func<string, string>? FieldId = null);

/// <summary>The ids the validation markup agrees on.</summary>
public static class FieldIds
{
    /// <summary>The id ASP.NET gives a field of this name ("Input.Email" → "Input_Email").</summary>
    public static string For(string name) => TagBuilder.CreateSanitizedId(name, "_");

    public static string Error(string fieldId) => fieldId + "-error";
}

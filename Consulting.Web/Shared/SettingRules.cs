using System.ComponentModel.DataAnnotations;

namespace Consulting.Web.Shared;

/// <summary>Checks shared by several sections' rules.</summary>
public static class SettingRules
{
    /// <summary>Null when <paramref name="value"/> is an absolute http(s) address (or empty and <paramref name="optional"/>); else the message.</summary>
    public static string? AbsoluteHttpUrl(string key, string? value, bool optional = true)
    {
        if (string.IsNullOrWhiteSpace(value)) return optional ? null : $"{key} is missing.";
        return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? null
            : $"{key} must be an absolute http(s) address, not '{value}'.";
    }

    /// <summary>
    /// For a provider whose keys only work together: a message naming each missing key when some
    /// but not all are set.
    /// </summary>
    public static IEnumerable<ValidationResult> AllOrNone(string section, params (string Key, string? Value)[] keys)
    {
        var missing = keys.Where(k => string.IsNullOrWhiteSpace(k.Value)).Select(k => $"{section}:{k.Key}").ToList();
        if (missing.Count == 0 || missing.Count == keys.Length) yield break;
        var all = string.Join(", ", keys.Select(k => $"{section}:{k.Key}"));
        yield return new ValidationResult(
            $"{string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} missing: {section} needs {all} together, or none of them for the built-in default.");
    }
}

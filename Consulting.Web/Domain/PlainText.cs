namespace Consulting.Web.Domain;

/// <summary>
/// What people type into the app goes on into calendar invites, email headers and SMS. A control
/// character there can end a line and start a forged one, so input is refused, not cleaned: a
/// single-line value (a name, an email, a reason) takes no control characters at all; a multi-line
/// one (notes, a review) takes line breaks and tabs only. Unicode line/paragraph separators and
/// bidirectional overrides (which can make a name read as something else) count as control here.
/// </summary>
public static class PlainText
{
    public const string SingleLineMessage = "Remove the line breaks and special control characters.";
    public const string MultiLineMessage = "Remove the special control characters.";

    public static bool IsSingleLine(string? value) => value is null || !value.Any(IsRefused(multiLine: false));

    public static bool IsMultiLine(string? value) => value is null || !value.Any(IsRefused(multiLine: true));

    /// <summary>Throws a <see cref="DomainException"/> for <paramref name="field"/> unless the value is plain single-line text.</summary>
    public static void RequireSingleLine(string? value, string? field)
    {
        if (!IsSingleLine(value)) throw new DomainException(SingleLineMessage, field);
    }

    /// <summary>Throws a <see cref="DomainException"/> for <paramref name="field"/> unless the value is plain text (line breaks allowed).</summary>
    public static void RequireMultiLine(string? value, string? field)
    {
        if (!IsMultiLine(value)) throw new DomainException(MultiLineMessage, field);
    }

    /// <summary>The value on one line: every character a single-line value can't hold becomes a space.</summary>
    public static string Flatten(string value)
    {
        var refused = IsRefused(multiLine: false);
        return string.Concat(value.Select(c => refused(c) ? ' ' : c));
    }

    private static Func<char, bool> IsRefused(bool multiLine) => c =>
        (char.IsControl(c) && !(multiLine && c is '\r' or '\n' or '\t'))
        || c is '\u2028' or '\u2029' // line and paragraph separators
        || c is '\uFFFD' // what an unreadable character (and a NUL in a form, FormNulCharacters) arrives as
        || c is >= '\u202A' and <= '\u202E' // bidi embeddings and overrides
        || c is >= '\u2066' and <= '\u2069'; // bidi isolates
}

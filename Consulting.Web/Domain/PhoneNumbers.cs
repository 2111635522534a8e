namespace Consulting.Web.Domain;

/// <summary>The one rule for phone numbers we text (checkout and account settings).</summary>
public static class PhoneNumbers
{
    public const string Invalid = "Enter the phone number in international form, e.g. +14155550123.";

    /// <summary>
    /// E.164: "+", a country code that doesn't start with 0, 8–15 digits in all; spaces and dashes
    /// are allowed while typing and dropped. Blank is "no number" (null).
    /// </summary>
    public static bool TryNormalize(string? input, out string? phone)
    {
        phone = null;
        var digits = (input ?? "").Trim().Replace(" ", "").Replace("-", "");
        if (digits.Length == 0) return true;
        if (!(digits.StartsWith('+') && digits.Length is >= 9 and <= 16 && digits[1] != '0' && digits[1..].All(char.IsAsciiDigit)))
            return false;
        phone = digits;
        return true;
    }
}

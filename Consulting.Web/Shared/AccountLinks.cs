using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Consulting.Web.Shared;

/// <summary>
/// The paths of the account pages that emails link to, with their tokens. Emails make them absolute
/// with <see cref="AbsoluteUrls"/> (from <c>App:BaseUrl</c>); pages link to the same paths.
/// </summary>
public static class AccountLinks
{
    public const string SignIn = "/account/sign-in";
    public const string ForgotPassword = "/account/forgot-password";
    public const string Settings = "/account";
    public const string MyBookings = "/bookings";

    public static string ResetPassword(string userId, string token) =>
        $"/account/reset-password?userId={Uri.EscapeDataString(userId)}&code={Encode(token)}";

    public static string ConfirmEmail(string userId, string token) =>
        $"/account/confirm-email?userId={Uri.EscapeDataString(userId)}&code={Encode(token)}";

    public static string ConfirmNewEmail(string userId, string email, string token) =>
        $"/account/confirm-email?userId={Uri.EscapeDataString(userId)}&email={Uri.EscapeDataString(email)}&code={Encode(token)}";

    public static string ForgotPasswordFor(string email) => $"{ForgotPassword}?email={Uri.EscapeDataString(email)}";

    /// <summary>Identity's tokens are base64 (with '+', '/', '='): base64url keeps them intact in any URL and mail client.</summary>
    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    /// <summary>The token a link carried; null for anything that isn't one.</summary>
    public static string? Decode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 2048) return null;
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

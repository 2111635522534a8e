using System.Security.Cryptography;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.DataProtection;
using NodaTime;

namespace Consulting.Web.Shared;

public enum LinkCheck
{
    Valid,
    /// <summary>Forged, altered, or made for another booking or purpose.</summary>
    Invalid,
    Expired,
}

/// <summary>
/// Signed, expiring links to one booking that work without signing in (checkout, confirmation,
/// manage). The token carries purpose, booking id and expiry, protected by ASP.NET Core data
/// protection (keys persisted beside the database); expiry is checked against the injected clock.
/// </summary>
public sealed class BookingLinks(IDataProtectionProvider protection, IClock clock)
{
    public const string Checkout = "checkout";
    public const string View = "view";
    /// <summary>Reschedule and cancel, from the emails; valid until the session ends.</summary>
    public const string Manage = "manage";

    private readonly IDataProtector _protector = protection.CreateProtector("Consulting.BookingLinks.v1");

    public string Token(Guid bookingId, string purpose, Instant expiresAt) =>
        _protector.Protect($"{purpose}|{bookingId:N}|{expiresAt.ToUnixTimeTicks()}");

    /// <summary>Token for the checkout pages of a booking: valid while its hold could still be paid.</summary>
    public string CheckoutToken(Booking booking) => Token(booking.Id, Checkout, booking.HoldExpiresAt + Duration.FromHours(2));

    /// <summary>Token for rescheduling and cancelling: valid until the session ends.</summary>
    public string ManageToken(Booking booking) => Token(booking.Id, Manage, booking.End);

    /// <summary>Token for the booking's own page (confirmation): valid until a month after the session.</summary>
    public string ViewToken(Booking booking) => Token(booking.Id, View, booking.End + Duration.FromDays(30));

    // The booking's pages as paths, with the token that opens each without signing in (pages
    // redirect to them, emails and the payment provider get them through AbsoluteUrls), or without
    // one for the signed-in lists.

    private static string WithToken(string path, string? token) => token is null ? path : $"{path}?t={Uri.EscapeDataString(token)}";

    /// <summary>The booking's own page (<c>/bookings/{id}</c>), opened by <paramref name="token"/>; <paramref name="fragment"/> without '#'.</summary>
    public static string BookingPath(Guid bookingId, string? token = null, string? fragment = null) =>
        WithToken($"/bookings/{bookingId:N}", token) + (fragment is null ? "" : "#" + fragment);

    /// <summary>The booking's .ics download from its own page.</summary>
    public static string InvitePath(Guid bookingId, string token) =>
        $"/bookings/{bookingId:N}?handler=Invite&t={Uri.EscapeDataString(token)}";

    public string BookingPath(Booking booking) => BookingPath(booking.Id, ViewToken(booking));

    /// <summary>One of the booking's own pages (<c>session</c>, <c>reschedule</c>, <c>cancel</c>), opened by <paramref name="token"/>.</summary>
    public static string BookingPagePath(Guid bookingId, string page, string? token = null) =>
        WithToken($"/bookings/{bookingId:N}/{page}", token);

    public string ReschedulePath(Booking booking) => BookingPagePath(booking.Id, "reschedule", ManageToken(booking));

    public string CancelPath(Booking booking) => BookingPagePath(booking.Id, "cancel", ManageToken(booking));

    /// <summary>The specialist's "Start the meeting": asks the provider for a host link when clicked (signed in, no token).</summary>
    public static string HostPath(Guid bookingId) => $"/bookings/{bookingId:N}/session?handler=Host";

    /// <summary>A checkout page (<c>/checkout/{id}</c>, <c>…/done</c>, <c>…/test-card</c>), opened by <paramref name="token"/>.</summary>
    public static string CheckoutPath(Guid bookingId, string? token = null, string? step = null) =>
        WithToken($"/checkout/{bookingId:N}{(step is null ? "" : "/" + step)}", token);

    public string CheckoutPath(Booking booking) => CheckoutPath(booking.Id, CheckoutToken(booking));

    public LinkCheck Check(string? token, Guid bookingId, string purpose)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1024) return LinkCheck.Invalid;
        string payload;
        try
        {
            payload = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return LinkCheck.Invalid;
        }
        var parts = payload.Split('|');
        if (parts.Length != 3 || parts[0] != purpose || parts[1] != bookingId.ToString("N")
            || !long.TryParse(parts[2], out var ticks))
            return LinkCheck.Invalid;
        return clock.GetCurrentInstant() < Instant.FromUnixTimeTicks(ticks) ? LinkCheck.Valid : LinkCheck.Expired;
    }
}

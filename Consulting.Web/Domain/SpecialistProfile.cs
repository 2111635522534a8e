using System.Text.RegularExpressions;
using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>A specialist's public profile; one per specialist account.</summary>
public sealed partial class SpecialistProfile
{
    public Guid Id { get; private set; }
    public string UserId { get; private set; } = "";
    /// <summary>URL name used in public links and the iCal feed path.</summary>
    public string Slug { get; private set; } = "";
    public string DisplayName { get; private set; } = "";
    public string Headline { get; private set; } = "";
    public string Bio { get; private set; } = "";
    public string? PhotoUrl { get; private set; }
    public string TimeZoneId { get; private set; } = "UTC";
    public string Currency { get; private set; } = "USD";
    /// <summary>Secret part of the private iCal feed URL; rotating it invalidates old URLs.</summary>
    public string FeedSecret { get; private set; } = "";
    public Instant CreatedAt { get; private set; }
    /// <summary>Set when the specialist deleted their account: unlisted, nameless, kept for past bookings.</summary>
    public Instant? ClosedAt { get; private set; }

    private SpecialistProfile() { }

    public static SpecialistProfile Create(string userId, string slug, string displayName, string headline,
        string timeZoneId, string currency, string feedSecret, Instant now)
    {
        if (string.IsNullOrWhiteSpace(userId)) throw new DomainException("A profile belongs to a user.");
        var profile = new SpecialistProfile
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Slug = NormalizeSlug(slug),
            CreatedAt = now,
        };
        profile.UpdateProfile(displayName, headline, "", null, timeZoneId, currency);
        profile.RotateFeedSecret(feedSecret);
        return profile;
    }

    public void UpdateProfile(string displayName, string headline, string bio, string? photoUrl,
        string timeZoneId, string currency)
    {
        var name = (displayName ?? "").Trim();
        if (name.Length is < 2 or > 80) throw new DomainException("Display name must be 2–80 characters.", "DisplayName");
        PlainText.RequireSingleLine(name, "DisplayName");
        var head = (headline ?? "").Trim();
        PlainText.RequireSingleLine(head, "Headline");
        if (head.Length > 140) throw new DomainException("Headline must be at most 140 characters.", "Headline");
        var about = (bio ?? "").Trim();
        PlainText.RequireMultiLine(about, "Bio");
        if (about.Length > 4000) throw new DomainException("Bio must be at most 4000 characters.", "Bio");
        var photo = string.IsNullOrWhiteSpace(photoUrl) ? null : photoUrl.Trim();
        if (photo is not null && !(Uri.TryCreate(photo, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            throw new DomainException("Photo URL must be an http(s) address.", "PhotoUrl");

        DisplayName = name;
        Headline = head;
        Bio = about;
        PhotoUrl = photo;
        TimeZoneId = TimeZones.Require(timeZoneId);
        Currency = Currencies.Normalize(currency);
    }

    /// <summary>The name past bookings show once the specialist deleted their account.</summary>
    public const string ClosedName = "Former specialist";

    /// <summary>
    /// The specialist deleted their account. The profile stays for the bookings that refer to it, but
    /// leaves the directory, loses the name, words and photo, and its feed URL stops working.
    /// </summary>
    public void Close(string newFeedSecret, Instant now)
    {
        if (ClosedAt is not null) return;
        RotateFeedSecret(newFeedSecret);
        (DisplayName, Headline, Bio, PhotoUrl) = (ClosedName, "", "", null);
        // The address was made from their name.
        Slug = $"closed-{Id:N}";
        ClosedAt = now;
    }

    public void RotateFeedSecret(string newSecret)
    {
        if (string.IsNullOrWhiteSpace(newSecret) || newSecret.Length < 20)
            throw new DomainException("A feed secret must be long enough not to be guessed.");
        if (newSecret == FeedSecret) throw new DomainException("A rotated feed secret must differ from the old one.");
        FeedSecret = newSecret;
    }

    /// <summary>Lower-case letters, digits and single dashes: "Dr. Ana Díaz" → "dr-ana-d-az".</summary>
    public static string NormalizeSlug(string? text)
    {
        var slug = NonSlugChars().Replace((text ?? "").Trim().ToLowerInvariant(), "-").Trim('-');
        if (slug.Length is < 2 or > 60)
            throw new DomainException("The profile address must be 2–60 letters, digits or dashes.", "Slug");
        return slug;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlugChars();
}

using NodaTime;

namespace Consulting.Web.Domain;

/// <summary>
/// One of a specialist's own calendars, read from its private <c>.ics</c> address so that its busy
/// times block their slots. The address is a secret (whoever has it reads the calendar): it is stored
/// encrypted by the app (<see cref="ProtectedAddress"/>), shown masked and never logged. A sync is due at <see cref="NextSyncAt"/>; the job runner leases the row
/// (shadow lease columns), so one instance fetches it per turn.
/// </summary>
public sealed class ExternalCalendar
{
    public const int MaxNameLength = 60;
    public const int MaxAddressLength = 2000;
    /// <summary>The encrypted form of an address of <see cref="MaxAddressLength"/> characters fits (about 1.4 times as long).</summary>
    public const int MaxProtectedAddressLength = 4000;
    public const int FingerprintLength = 64;
    public const int MaxErrorLength = 300;

    public Guid Id { get; private set; }
    public Guid SpecialistId { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>
    /// The address, encrypted by the app, so a database dump doesn't give it away. A row from before
    /// addresses were encrypted (no <see cref="AddressFingerprint"/> yet) still holds it plain until
    /// <see cref="AddressProtected"/>.
    /// </summary>
    public string ProtectedAddress { get; private set; } = "";
    /// <summary>A hash of the address: the same address added twice is found without reading any.</summary>
    public string? AddressFingerprint { get; private set; }
    public bool AddressIsPlain => AddressFingerprint is null;
    /// <summary>Validators of the last good response, sent back as a conditional GET.</summary>
    public string? ETag { get; private set; }
    public string? LastModified { get; private set; }
    public Instant CreatedAt { get; private set; }
    public Instant? LastSuccessAt { get; private set; }
    public Instant? LastAttemptAt { get; private set; }
    /// <summary>Why the latest attempt failed, in words for the specialist; null after a success.</summary>
    public string? LastError { get; private set; }
    public Instant NextSyncAt { get; private set; }
    /// <summary>Claims since the last finished attempt (the runner counts them).</summary>
    public int Attempts { get; private set; }

    private ExternalCalendar() { }

    public static ExternalCalendar Add(Guid specialistId, string? name, string protectedAddress, string fingerprint, Instant now) => new()
    {
        Id = Guid.NewGuid(),
        SpecialistId = specialistId,
        Name = CleanName(name),
        ProtectedAddress = protectedAddress,
        AddressFingerprint = fingerprint,
        CreatedAt = now,
        NextSyncAt = now,
    };

    public static string CleanName(string? name)
    {
        var clean = (name ?? "").Trim();
        if (clean.Length == 0) throw new DomainException("Give the calendar a name, e.g. “Personal”.", "Name");
        if (clean.Length > MaxNameLength) throw new DomainException($"The name must be at most {MaxNameLength} characters.", "Name");
        return clean;
    }

    /// <summary>A plain address of an older row, now stored encrypted.</summary>
    public void AddressProtected(string protectedAddress, string fingerprint)
    {
        if (!AddressIsPlain) throw new DomainException("The address is encrypted already.");
        (ProtectedAddress, AddressFingerprint) = (protectedAddress, fingerprint);
    }

    /// <summary>"Sync now": due at once, whatever its back-off said.</summary>
    public void SyncNow(Instant now)
    {
        NextSyncAt = now;
        Attempts = 0;
    }

    /// <summary>Fetched and read (or not modified since): its busy times are the calendar's now.</summary>
    public void Synced(string? etag, string? lastModified, Instant now, Instant next)
    {
        if (etag is not null || lastModified is not null) (ETag, LastModified) = (Trim(etag, 200), Trim(lastModified, 100));
        (LastSuccessAt, LastAttemptAt, LastError, NextSyncAt, Attempts) = (now, now, null, next, 0);
    }

    /// <summary>The attempt failed: the last good busy times stay in force and the problem is shown.</summary>
    public void SyncFailed(string problem, Instant now, Instant next)
    {
        (LastAttemptAt, LastError, NextSyncAt, Attempts) = (now, Trim(problem, MaxErrorLength), next, 0);
    }

    /// <summary>The address as the page shows it: scheme and host, the secret path replaced.</summary>
    public static string Mask(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}/••••••" : "••••••";

    private static string? Trim(string? value, int max) => value is null ? null : value.Length > max ? value[..max] : value;
}

/// <summary>A time one of the specialist's own calendars is busy: only the interval, never what it is.</summary>
public sealed class BusyPeriod
{
    public Guid Id { get; private set; }
    public Guid SpecialistId { get; private set; }
    public Guid CalendarId { get; private set; }
    public Instant Start { get; private set; }
    public Instant End { get; private set; }

    private BusyPeriod() { }

    public static BusyPeriod Create(Guid specialistId, Guid calendarId, Instant start, Instant end)
    {
        if (end <= start) throw new DomainException("A busy time must end after it starts.");
        return new BusyPeriod { Id = Guid.CreateVersion7(), SpecialistId = specialistId, CalendarId = calendarId, Start = start, End = end };
    }
}

using NodaTime;

namespace Consulting.Web.Domain;

public enum BookingStatus
{
    /// <summary>Slot held, waiting for payment.</summary>
    Pending = 0,
    Confirmed = 1,
    Cancelled = 2,
    Completed = 3,
    NoShow = 4,
    /// <summary>The hold ran out before payment.</summary>
    Expired = 5,
}

/// <summary>What the meeting provider still has to be told about this booking.</summary>
public enum MeetingSync
{
    None = 0,
    Create = 1,
    Update = 2,
    Delete = 3,
}

public enum RefundDecision
{
    None = 0,
    Full = 1,
}

/// <summary>One entry of a booking's status history: what, when, by whom, why.</summary>
public sealed class BookingStatusChange
{
    public int Id { get; private set; }
    public BookingStatus Status { get; private set; }
    public Instant At { get; private set; }
    public ActorRole ByRole { get; private set; }
    public string? ByUserId { get; private set; }
    public string? Reason { get; private set; }

    private BookingStatusChange() { }

    internal BookingStatusChange(BookingStatus status, Instant at, Actor by, string? reason) =>
        (Status, At, ByRole, ByUserId, Reason) = (status, at, by.Role, by.UserId, reason);

    internal void ForgetUser(string userId) => ByUserId = ByUserId == userId ? null : ByUserId;
}

public sealed class RescheduleRecord
{
    public int Id { get; private set; }
    public Guid FromSlotId { get; private set; }
    public Instant FromStart { get; private set; }
    public Guid ToSlotId { get; private set; }
    public Instant ToStart { get; private set; }
    public Instant At { get; private set; }
    public ActorRole ByRole { get; private set; }
    public string? ByUserId { get; private set; }
    public string? Reason { get; private set; }

    private RescheduleRecord() { }

    internal RescheduleRecord(Guid fromSlotId, Instant fromStart, Guid toSlotId, Instant toStart, Instant at, Actor by, string? reason)
    {
        (FromSlotId, FromStart, ToSlotId, ToStart, At) = (fromSlotId, fromStart, toSlotId, toStart, at);
        (ByRole, ByUserId, Reason) = (by.Role, by.UserId, reason);
    }

    internal void ForgetUser(string userId) => ByUserId = ByUserId == userId ? null : ByUserId;
}

public sealed class Cancellation
{
    public ActorRole ByRole { get; private set; }
    public string? ByUserId { get; private set; }
    public Instant At { get; private set; }
    public string? Reason { get; private set; }
    public RefundDecision Refund { get; private set; }

    private Cancellation() { }

    internal Cancellation(Actor by, Instant at, string? reason, RefundDecision refund) =>
        (ByRole, ByUserId, At, Reason, Refund) = (by.Role, by.UserId, at, reason, refund);

    internal void ForgetUser(string userId) => ByUserId = ByUserId == userId ? null : ByUserId;
}

/// <summary>The video meeting for a booking, from whichever provider created it.</summary>
public sealed class MeetingInfo
{
    public string Provider { get; private set; } = "";
    /// <summary>The provider's id (Zoom's 64-bit meeting id as text); null for Jitsi rooms.</summary>
    public string? ExternalId { get; private set; }
    public string JoinUrl { get; private set; } = "";
    public string? HostUrl { get; private set; }

    private MeetingInfo() { }

    public MeetingInfo(string provider, string? externalId, string joinUrl, string? hostUrl)
    {
        if (string.IsNullOrWhiteSpace(provider)) throw new DomainException("A meeting needs a provider.");
        if (!Uri.TryCreate(joinUrl, UriKind.Absolute, out var uri) || uri.Scheme != "https")
            throw new DomainException("A meeting link must be an https address.");
        (Provider, ExternalId, JoinUrl, HostUrl) = (provider, externalId, joinUrl, hostUrl);
    }
}

public sealed class Booking : EventSource
{
    public const int MaxNotesLength = 2000;

    private readonly List<BookingStatusChange> _statusHistory = [];
    private readonly List<RescheduleRecord> _rescheduleHistory = [];

    public Guid Id { get; private set; }
    public Guid SpecialistId { get; private set; }
    public Guid SlotId { get; private set; }
    /// <summary>Null for a guest booking.</summary>
    public string? CustomerUserId { get; private set; }
    public string CustomerName { get; private set; } = "";
    public string CustomerEmail { get; private set; } = "";
    public string? CustomerPhone { get; private set; }
    public string CustomerTimeZoneId { get; private set; } = "UTC";
    public string? Notes { get; private set; }
    public Instant Start { get; private set; }
    public Instant End { get; private set; }
    public long PriceMinor { get; private set; }
    public string Currency { get; private set; } = "USD";
    public BookingStatus Status { get; private set; }
    public Instant HoldExpiresAt { get; private set; }
    public Instant CreatedAt { get; private set; }
    /// <summary>iCalendar SEQUENCE: goes up on every change a calendar app must apply.</summary>
    public int Sequence { get; private set; }
    public MeetingInfo? Meeting { get; private set; }
    public Cancellation? Cancellation { get; private set; }
    public string? RecordingUrl { get; private set; }
    /// <summary>Pending work at the meeting provider, done (and retried) by the meeting job.</summary>
    public MeetingSync MeetingSync { get; private set; }
    /// <summary>Tries of the pending meeting work so far (each claim by the meeting job counts one).</summary>
    public int MeetingSyncAttempts { get; private set; }
    public Instant? MeetingSyncDueAt { get; private set; }
    public string? MeetingSyncError { get; private set; }

    public IReadOnlyList<BookingStatusChange> StatusHistory => _statusHistory;
    public IReadOnlyList<RescheduleRecord> RescheduleHistory => _rescheduleHistory;
    public Money Price => new(PriceMinor, Currency);

    private Booking() { }

    /// <summary>
    /// A pending booking for a slot the caller has just put on hold for it. A guest's name and email
    /// come at checkout (<see cref="UpdateCustomerDetails"/>); the booking can't be confirmed without them.
    /// </summary>
    public static Booking PlaceHold(Guid id, Slot slot, string? customerUserId, string customerTimeZoneId, Instant holdUntil, Instant now)
    {
        if (slot.Start <= now) throw new DomainException("This time has already started.");
        if (holdUntil <= now) throw new DomainException("A hold must end in the future.");
        var booking = new Booking
        {
            Id = id,
            SpecialistId = slot.SpecialistId,
            SlotId = slot.Id,
            CustomerUserId = customerUserId,
            CustomerTimeZoneId = TimeZones.Require(customerTimeZoneId),
            Start = slot.Start,
            End = slot.End,
            PriceMinor = slot.PriceMinor,
            Currency = slot.Currency,
            Status = BookingStatus.Pending,
            HoldExpiresAt = holdUntil,
            CreatedAt = now,
        };
        booking.Record(BookingStatus.Pending, now, Actor.Customer(customerUserId), "Slot held for checkout");
        return booking;
    }

    /// <summary>A pending booking whose customer details are already known (a signed-in customer).</summary>
    public static Booking Place(Guid id, Slot slot, CustomerDetails customer, string? customerUserId, Instant holdUntil, Instant now)
    {
        var booking = PlaceHold(id, slot, customerUserId, customer.TimeZoneId, holdUntil, now);
        booking.UpdateCustomerDetails(customer);
        return booking;
    }

    public bool HasCustomerDetails => CustomerEmail.Length > 0;

    public void UpdateCustomerDetails(CustomerDetails customer)
    {
        if (Status != BookingStatus.Pending) throw new DomainException("Details can only change during checkout.");
        (CustomerName, CustomerEmail, CustomerPhone, CustomerTimeZoneId, Notes) =
            (customer.Name, customer.Email, customer.Phone, customer.TimeZoneId, customer.Notes);
    }

    /// <summary>Still to take place: held for checkout, or confirmed and not yet over.</summary>
    public bool IsLive(Instant now) => Status == BookingStatus.Pending || (Status == BookingStatus.Confirmed && now < End);

    /// <summary>
    /// The customer changed their account details: a booking still to come uses the new ones for its
    /// emails, SMS and invites (the notes stay as they were written).
    /// </summary>
    public void UpdateCustomerContact(string name, string email, string? phone, string timeZoneId, Instant now)
    {
        if (!IsLive(now)) throw new DomainException($"This booking is {Describe(Status)}, so its details stay as they were.");
        var details = new CustomerDetails(name, email, phone, timeZoneId, Notes);
        (CustomerName, CustomerEmail, CustomerPhone, CustomerTimeZoneId) = (details.Name, details.Email, details.Phone, details.TimeZoneId);
    }

    /// <summary>The name a booking shows once its customer deleted their account.</summary>
    public const string DeletedCustomerName = "Deleted customer";

    public bool IsCustomerForgotten => CustomerEmail.Length == 0 && CustomerName == DeletedCustomerName;

    /// <summary>
    /// The customer deleted their account: the booking stays for the specialist's records, without
    /// their name, contact details, notes or account. A booking still to take place must be cancelled first.
    /// </summary>
    public void ForgetCustomer(Instant now)
    {
        if (IsLive(now)) throw new DomainException("A booking still to take place is cancelled before its customer is forgotten.");
        if (CustomerUserId is { } userId)
        {
            foreach (var change in _statusHistory) change.ForgetUser(userId);
            foreach (var move in _rescheduleHistory) move.ForgetUser(userId);
            Cancellation?.ForgetUser(userId);
        }
        (CustomerUserId, CustomerName, CustomerEmail, CustomerPhone, Notes) = (null, DeletedCustomerName, "", null, null);
    }

    /// <summary>Paid. A payment may land after the hold expired; the caller confirms only if the slot is still free.</summary>
    public void Confirm(Payment payment, Instant now)
    {
        if (Status is not (BookingStatus.Pending or BookingStatus.Expired))
            throw new DomainException($"This booking is {Describe(Status)}, so it can't be confirmed.");
        if (!HasCustomerDetails) throw new DomainException("The customer's name and email are missing.");
        if (payment.BookingId != Id || payment.Status != PaymentStatus.Succeeded)
            throw new DomainException("Only a completed payment for this booking confirms it.");
        var reason = Status == BookingStatus.Expired
            ? "Payment received after the hold expired; the time was still free" : "Payment received";
        Status = BookingStatus.Confirmed;
        Record(BookingStatus.Confirmed, now, Actor.System, reason);
        RequestMeetingSync(Meeting is null ? MeetingSync.Create : MeetingSync.Update, now);
        Raise(new BookingConfirmed(this, payment));
    }

    public bool IsHoldExpired(Instant now) => Status == BookingStatus.Pending && now >= HoldExpiresAt;

    public void Expire(Instant now)
    {
        if (Status != BookingStatus.Pending) throw new DomainException($"This booking is {Describe(Status)}, so it can't expire.");
        if (now < HoldExpiresAt) throw new DomainException("The hold hasn't run out yet.");
        Status = BookingStatus.Expired;
        Record(BookingStatus.Expired, now, Actor.System, "Hold expired before payment");
        Raise(new HoldExpired(this));
    }

    /// <summary>What cancelling now would refund, for the page to say before the customer confirms.</summary>
    public RefundDecision RefundIfCancelled(ActorRole by, Instant now, CancellationPolicy policy) =>
        Status == BookingStatus.Confirmed ? policy.RefundFor(by, Start, now) : RefundDecision.None;

    public RefundDecision Cancel(Actor by, string? reason, Instant now, CancellationPolicy policy)
    {
        if (Status is not (BookingStatus.Pending or BookingStatus.Confirmed))
            throw new DomainException($"This booking is already {Describe(Status)}.");
        if (Status == BookingStatus.Confirmed && now >= End)
            throw new DomainException("A session that has ended can't be cancelled.");
        PlainText.RequireMultiLine(reason, "Reason");
        var refund = RefundIfCancelled(by.Role, now, policy);
        Status = BookingStatus.Cancelled;
        Cancellation = new Cancellation(by, now, Clean(reason), refund);
        Sequence++;
        Record(BookingStatus.Cancelled, now, by, Clean(reason));
        RequestMeetingSync(Meeting is null ? MeetingSync.None : MeetingSync.Delete, now);
        Raise(new BookingCancelled(this));
        return refund;
    }

    public bool CanReschedule(ActorRole by, Instant now, CancellationPolicy policy) =>
        Status == BookingStatus.Confirmed && now < Start &&
        (by != ActorRole.Customer || policy.CustomerMayReschedule(Start, now));

    /// <summary>Moves the booking to another slot of the same specialist; the caller swaps the slots atomically.</summary>
    public void Reschedule(Slot newSlot, Actor by, string? reason, Instant now, CancellationPolicy policy)
    {
        if (Status != BookingStatus.Confirmed)
            throw new DomainException($"This booking is {Describe(Status)}, so it can't be rescheduled.");
        if (!CanReschedule(by.Role, now, policy))
            throw new DomainException(policy.RescheduleClosed);
        if (newSlot.SpecialistId != SpecialistId)
            throw new DomainException("A booking can only move to another time with the same specialist.");
        if (newSlot.Id == SlotId) throw new DomainException("That is the current time.");
        if (newSlot.Start <= now) throw new DomainException("The new time has already started.");
        _rescheduleHistory.Add(new RescheduleRecord(SlotId, Start, newSlot.Id, newSlot.Start, now, by, Clean(reason)));
        var previousStart = Start;
        (SlotId, Start, End) = (newSlot.Id, newSlot.Start, newSlot.End);
        Sequence++;
        RequestMeetingSync(Meeting is null ? MeetingSync.Create : MeetingSync.Update, now);
        Raise(new BookingRescheduled(this, previousStart));
    }

    /// <summary>The provider did what <see cref="MeetingSync"/> asked: the meeting as it now is (null once deleted).</summary>
    public void MeetingSynced(MeetingSync done, MeetingInfo? meeting)
    {
        if (done != MeetingSync) throw new DomainException("The meeting work changed while it was being done.");
        Meeting = done == MeetingSync.Delete ? null : meeting ?? throw new DomainException("A created meeting needs its details.");
        (MeetingSync, MeetingSyncAttempts, MeetingSyncDueAt, MeetingSyncError) = (MeetingSync.None, 0, null, null);
    }

    /// <summary>After this many failed tries of one piece of meeting work, the specialist is told.</summary>
    public const int TellSpecialistAfterMeetingFailures = 3;

    /// <summary>The provider failed; try again as <paramref name="retry"/> says (it never gives up). The booking itself stands.</summary>
    public void MeetingSyncFailed(string error, Instant now, RetryPolicy retry)
    {
        if (MeetingSync == MeetingSync.None) throw new DomainException("There is no meeting work to retry.");
        MeetingSyncError = error.Length > 500 ? error[..500] : error;
        MeetingSyncDueAt = now + retry.DelayAfter(Math.Max(1, MeetingSyncAttempts));
        if (MeetingSyncAttempts == TellSpecialistAfterMeetingFailures) Raise(new MeetingKeepsFailing(this));
    }

    private void RequestMeetingSync(MeetingSync sync, Instant now)
    {
        (MeetingSync, MeetingSyncAttempts, MeetingSyncDueAt, MeetingSyncError) = (sync, 0, sync == MeetingSync.None ? null : now, null);
    }

    public void MarkCompleted(Actor by, Instant now)
    {
        Finish(BookingStatus.Completed, by, now);
        Raise(new SessionCompleted(this));
    }

    public void MarkNoShow(Actor by, Instant now) => Finish(BookingStatus.NoShow, by, now);

    public void AddRecording(string url)
    {
        if (Status != BookingStatus.Completed) throw new DomainException("Recordings belong to completed sessions.");
        if (!Uri.TryCreate((url ?? "").Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw new DomainException("The recording link must be an http(s) address.", "RecordingUrl");
        RecordingUrl = uri.ToString();
        Raise(new RecordingShared(this));
    }

    private void Finish(BookingStatus outcome, Actor by, Instant now)
    {
        if (Status != BookingStatus.Confirmed)
            throw new DomainException($"This booking is {Describe(Status)}, so it can't be marked {Describe(outcome)}.");
        if (now < End) throw new DomainException("The session hasn't ended yet.");
        Status = outcome;
        Record(outcome, now, by, null);
    }

    private void Record(BookingStatus status, Instant at, Actor by, string? reason) =>
        _statusHistory.Add(new BookingStatusChange(status, at, by, reason));

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static string Describe(BookingStatus status) => status switch
    {
        BookingStatus.Pending => "pending",
        BookingStatus.Confirmed => "confirmed",
        BookingStatus.Cancelled => "cancelled",
        BookingStatus.Completed => "completed",
        BookingStatus.NoShow => "no-show",
        BookingStatus.Expired => "expired",
        _ => status.ToString().ToLowerInvariant(),
    };
}

/// <summary>What a customer tells us at checkout, validated.</summary>
public sealed record CustomerDetails
{
    public string Name { get; }
    public string Email { get; }
    public string? Phone { get; }
    public string TimeZoneId { get; }
    public string? Notes { get; }

    public CustomerDetails(string? name, string? email, string? phone, string? timeZoneId, string? notes)
    {
        Name = (name ?? "").Trim();
        if (Name.Length is < 1 or > 100) throw new DomainException("Enter your name (up to 100 characters).", "Name");
        PlainText.RequireSingleLine(Name, "Name");
        Email = (email ?? "").Trim();
        PlainText.RequireSingleLine(Email, "Email");
        if (!IsEmail(Email)) throw new DomainException("Enter a valid email address.", "Email");
        PlainText.RequireSingleLine((phone ?? "").Trim(), "Phone");
        if (!PhoneNumbers.TryNormalize(phone, out var cleanPhone)) throw new DomainException(PhoneNumbers.Invalid, "Phone");
        Phone = cleanPhone;
        TimeZoneId = TimeZones.Require(timeZoneId);
        var cleanNotes = (notes ?? "").Trim();
        PlainText.RequireMultiLine(cleanNotes, "Notes");
        if (cleanNotes.Length > Booking.MaxNotesLength)
            throw new DomainException($"Notes must be at most {Booking.MaxNotesLength} characters.", "Notes");
        Notes = cleanNotes.Length > 0 ? cleanNotes : null;
    }

    /// <summary>
    /// Every field's problem at once (the constructor stops at the first), so a form can show them
    /// all: each field is checked by the constructor's own rules, beside valid stand-ins for the others.
    /// </summary>
    public static IReadOnlyList<DomainException> Problems(string? name, string? email, string? phone, string? timeZoneId, string? notes)
    {
        const string okName = "A", okEmail = "a@example.com", okZone = "UTC";
        var checks = new Func<CustomerDetails>[]
        {
            () => new(name, okEmail, null, okZone, null),
            () => new(okName, email, null, okZone, null),
            () => new(okName, okEmail, phone, okZone, null),
            () => new(okName, okEmail, null, timeZoneId, null),
            () => new(okName, okEmail, null, okZone, notes),
        };
        var problems = new List<DomainException>();
        foreach (var check in checks)
        {
            try { check(); }
            catch (DomainException e) { problems.Add(e); }
        }
        return problems;
    }

    private static bool IsEmail(string email) =>
        email.Length is > 2 and <= 254 && System.Net.Mail.MailAddress.TryCreate(email, out var parsed) && parsed.Address == email
        && email.IndexOf('@') is var at && at > 0 && email.IndexOf('.', at) > at + 1;
}

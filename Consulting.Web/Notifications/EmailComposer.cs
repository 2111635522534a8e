using System.Net;
using System.Text;
using Consulting.Web.Calendar;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Notifications.Templates;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using NodaTime;

namespace Consulting.Web.Notifications;

/// <summary>
/// Turns a stored notification into the email that goes out: To, From, Subject, a Message-Id derived
/// from the notification (a re-send after a crash carries the same one), and a multipart/alternative
/// body of plain text and HTML rendered from the Razor components in Templates/, plus the .ics invite
/// (REQUEST, or CANCEL) as its last alternative. The booking is read as it is now, so a late or
/// retried email shows the current time, links and SEQUENCE.
/// </summary>
public sealed record CustomerCalendar(string? Ics, string? GoogleUrl, string? OutlookUrl);

public sealed class EmailComposer(
    AppDbContext db,
    BookingLinks links,
    HtmlRenderer renderer,
    IClock clock,
    IOptions<EmailOptions> emailOptions,
    IOptions<BookingOptions> bookingOptions,
    AbsoluteUrls urls,
    UserManager<AppUser> users)
{
    public async Task<MimeMessage> ComposeAsync(Notification notification, CancellationToken ct) =>
        await ComposeIfStillWantedAsync(notification, ct)
        ?? throw new InvalidOperationException($"Notification {notification.Id} no longer needs sending.");

    /// <summary>
    /// The email, or null when it no longer makes sense: an account link for an address the account
    /// no longer has, or a confirmation that already happened. The dispatcher then sends nothing.
    /// </summary>
    public async Task<MimeMessage?> ComposeIfStillWantedAsync(Notification notification, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var from = MailboxAddress.Parse(emailOptions.Value.From);
        var facts = notification.BookingId is { } bookingId ? await LoadAsync(bookingId, ct) : null;

        string? recipientName = null;
        BookingEmail? bookingView = null;
        AccountEmail? accountView = null;
        Invite? invite = null;
        if (facts is not null)
        {
            var toSpecialist = IsForSpecialist(notification, facts);
            recipientName = toSpecialist ? facts.Specialist.DisplayName
                : facts.Booking.IsCustomerForgotten ? null : facts.Booking.CustomerName;
            (bookingView, invite) = Describe(notification, facts, toSpecialist, from, now);
        }
        else if (Notification.IsAccountType(notification.Type))
        {
            (accountView, recipientName) = await DescribeAccountAsync(notification);
            if (accountView is null) return null;
        }

        var view = new EmailView
        {
            Type = notification.Type,
            Title = notification.Title,
            Message = notification.Message,
            SiteUrl = urls.Base.ToString(),
            Booking = bookingView,
            Account = accountView,
        };
        var body = new MultipartAlternative
        {
            TextPart("plain", Tidy(await RenderAsync<NotificationEmailText>(view))),
            TextPart("html", await RenderAsync<NotificationEmail>(view)),
        };
        if (invite is not null)
        {
            // Last alternative, no file name (a file name would make it an attachment), and the
            // Content-Type method equal to the calendar's METHOD: what calendar-aware clients look for.
            var calendar = new TextPart("calendar");
            calendar.ContentType.Parameters.Add("method", invite.Method);
            calendar.SetText(Encoding.UTF8, invite.Ics);
            // Base64 keeps the .ics bytes exact (RFC 5545's CRLF lines) whatever newlines the
            // transport writes: the pickup folder writes LF, which would change a 7bit part.
            calendar.ContentTransferEncoding = ContentEncoding.Base64;
            body.Add(calendar);
        }

        var message = new MimeMessage
        {
            Subject = notification.Title,
            Date = now.ToDateTimeOffset(),
            MessageId = $"{notification.Id:N}@{from.Domain}",
            Body = body,
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress(recipientName, notification.RecipientEmail));
        // RFC 3834: tells vacation responders not to answer.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        // Quoted-printable/base64 where needed, so the same bytes travel through any SMTP server or pickup folder.
        message.Prepare(EncodingConstraint.SevenBit);
        return message;
    }

    /// <summary>
    /// The customer's calendar entry for the booking pages: the same .ics their emails carry
    /// (REQUEST while booked, CANCEL once cancelled) and the add-to-calendar links.
    /// </summary>
    public async Task<CustomerCalendar?> CustomerCalendarAsync(Guid bookingId, CancellationToken ct)
    {
        if (await LoadAsync(bookingId, ct) is not { } facts) return null;
        var b = facts.Booking;
        var now = clock.GetCurrentInstant();
        // Who it is for, in the shape the email description takes: never stored or sent.
        var asFor = Notification.Create(b.Status == BookingStatus.Cancelled ? NotificationType.Cancelled : NotificationType.BookingConfirmation,
            new Recipient(b.CustomerUserId, b.CustomerEmail, null, b.CustomerTimeZoneId), b.Id, "calendar", "", [], now);
        var (view, invite) = Describe(asFor, facts, toSpecialist: false, MailboxAddress.Parse(emailOptions.Value.From), now);
        return new CustomerCalendar(invite?.Ics, view.GoogleCalendarUrl, view.OutlookCalendarUrl);
    }

    /// <summary>
    /// An account email's buttons. The tokens in its links are made here, as it is sent, and never
    /// stored: the outbox row can't be used to take over the account. A retried send gets a fresh
    /// token; reset links last an hour from sending, and any reset ends them all.
    /// </summary>
    private async Task<(AccountEmail? View, string? Name)> DescribeAccountAsync(Notification n)
    {
        string Url(string path) => urls.To(path).ToString();
        var user = n.RecipientUserId is { } id ? await users.FindByIdAsync(id) : null;
        var isTheirAddress = user is not null && string.Equals(user.Email, n.RecipientEmail, StringComparison.OrdinalIgnoreCase);
        const string Secret = "This email is for you alone: don't forward it, as its link works without a password.";
        var view = n.Type switch
        {
            NotificationType.ConfirmEmail when isTheirAddress && !user!.EmailConfirmed => new AccountEmail
            {
                ActionLabel = "Confirm my email",
                ActionUrl = Url(AccountLinks.ConfirmEmail(user.Id, await users.GenerateEmailConfirmationTokenAsync(user))),
                Note = "The link works for 3 days. Didn't create an account? Ignore this email and it stays unconfirmed.",
                Footer = Secret,
            },
            NotificationType.PasswordReset when isTheirAddress => new AccountEmail
            {
                ActionLabel = "Choose a new password",
                ActionUrl = Url(AccountLinks.ResetPassword(user!.Id, await users.GeneratePasswordResetTokenAsync(user))),
                Note = "The link works once, within an hour. Need another? Ask again on the sign-in page.",
                Footer = Secret,
            },
            NotificationType.SignUpAttempt when isTheirAddress => new AccountEmail
            {
                ActionLabel = "Sign in",
                ActionUrl = Url(AccountLinks.SignIn),
                SecondaryLabel = "Reset your password",
                SecondaryUrl = Url(AccountLinks.ResetPassword(user!.Id, await users.GeneratePasswordResetTokenAsync(user))),
                Note = "The reset link works once, within an hour.",
                Footer = Secret,
            },
            // Once the change happened, the address is the account's own and the link has nothing left to do.
            NotificationType.ConfirmNewEmail when user is not null && !isTheirAddress => new AccountEmail
            {
                ActionLabel = "Confirm my new email",
                ActionUrl = Url(AccountLinks.ConfirmNewEmail(user.Id, n.RecipientEmail, await users.GenerateChangeEmailTokenAsync(user, n.RecipientEmail))),
                Note = "The link works for 3 days. Didn't ask for this? Ignore this email and nothing changes.",
                Footer = Secret,
            },
            NotificationType.EmailChanged or NotificationType.PasswordChanged => new AccountEmail
            {
                ActionLabel = "Reset your password",
                ActionUrl = Url(n.Type == NotificationType.PasswordChanged && isTheirAddress
                    ? AccountLinks.ForgotPasswordFor(n.RecipientEmail) : AccountLinks.ForgotPassword),
                Footer = "You get this email because of your account on Consulting.",
            },
            NotificationType.AccountDeleted => new AccountEmail
            {
                ActionLabel = "Browse specialists",
                ActionUrl = Url("/"),
                Note = "You can still book as a guest, or create a new account, whenever you like.",
                Footer = "You get this email because you deleted your account on Consulting; we won't write again.",
            },
            _ => null,
        };
        return (view, user?.DisplayName);
    }

    private sealed record Facts(Booking Booking, SpecialistProfile Specialist, string SpecialistEmail, Payment? Payment);

    private sealed record Invite(string Method, string Ics);

    private async Task<Facts?> LoadAsync(Guid bookingId, CancellationToken ct)
    {
        var booking = await db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == bookingId, ct);
        if (booking is null) return null;
        var specialist = await (from p in db.Specialists.AsNoTracking()
                                join u in db.Users on p.UserId equals u.Id
                                where p.Id == booking.SpecialistId
                                select new { Profile = p, u.Email }).SingleAsync(ct);
        return new Facts(booking, specialist.Profile, specialist.Email ?? "", await db.Payments.LatestForAsync(bookingId, ct));
    }

    /// <summary>Types that go to one side only say so; for the others the recipient is the specialist's account or not.</summary>
    private static bool IsForSpecialist(Notification n, Facts facts) => n.Type switch
    {
        NotificationType.NewBooking or NotificationType.MeetingProblem or NotificationType.ReviewReceived => true,
        NotificationType.BookingConfirmation or NotificationType.PaymentReceived or NotificationType.RefundProcessed
            or NotificationType.SessionCompleted or NotificationType.RecordingReady => false,
        _ => n.RecipientUserId is not null && n.RecipientUserId == facts.Specialist.UserId
             && !string.Equals(n.RecipientEmail, facts.Booking.CustomerEmail, StringComparison.OrdinalIgnoreCase),
    };

    private (BookingEmail View, Invite? Invite) Describe(Notification n, Facts facts, bool toSpecialist, MailboxAddress from, Instant now)
    {
        var (b, specialist, payment) = (facts.Booking, facts.Specialist, facts.Payment);
        var policy = bookingOptions.Value.Policy;
        var zone = n.RecipientTimeZoneId;
        var upcoming = b.Status == BookingStatus.Confirmed && now < b.Start;
        string Url(string pathAndQuery) => urls.To(pathAndQuery).ToString();

        string? viewUrl = null, rescheduleUrl = null, cancelUrl = null, calendarUrl = null;
        if (toSpecialist)
        {
            calendarUrl = Url("/specialist/calendar");
        }
        else
        {
            viewUrl = Url(links.BookingPath(b));
            if (upcoming)
            {
                if (b.CanReschedule(ActorRole.Customer, now, policy)) rescheduleUrl = Url(links.ReschedulePath(b));
                cancelUrl = Url(links.CancelPath(b));
            }
        }

        var inviteData = new BookingInvite(b.Id, b.Sequence, b.Start, b.End, zone,
            toSpecialist ? $"Session with {b.CustomerName}" : $"Session with {specialist.DisplayName}",
            InviteDescription(b, specialist, toSpecialist, viewUrl, rescheduleUrl, cancelUrl, calendarUrl),
            b.Meeting?.JoinUrl,
            new InviteParty(specialist.DisplayName, string.IsNullOrEmpty(facts.SpecialistEmail) ? from.Address : facts.SpecialistEmail),
            // A customer who deleted their account is only known by the address their pending emails go to.
            new InviteParty(b.CustomerName, b.IsCustomerForgotten && !toSpecialist ? n.RecipientEmail : b.CustomerEmail),
            now);
        Invite? invite = n.Type switch
        {
            NotificationType.BookingConfirmation or NotificationType.NewBooking or NotificationType.Rescheduled
                when b.Status == BookingStatus.Confirmed => new Invite("REQUEST", BookingInvites.Request(inviteData)),
            NotificationType.Cancelled when b.Status == BookingStatus.Cancelled => new Invite("CANCEL", BookingInvites.Cancel(inviteData)),
            _ => null,
        };

        // The add-to-calendar links travel through the calendar site's URL (and its logs): they get
        // the booking page only, not the reschedule/cancel links, and stay well under URL length limits.
        var linkData = inviteData with { Description = InviteDescription(b, specialist, toSpecialist, viewUrl, null, null, calendarUrl) };

        var paid = payment?.Status is PaymentStatus.Succeeded or PaymentStatus.RefundPending or PaymentStatus.Refunded;
        var previous = b.RescheduleHistory.OrderBy(r => r.At).ThenBy(r => r.Id).LastOrDefault();
        var view = new BookingEmail
        {
            ToSpecialist = toSpecialist,
            SpecialistName = specialist.DisplayName,
            CustomerName = b.CustomerName,
            CustomerEmail = b.CustomerEmail,
            CustomerNotes = b.Notes,
            When = ZoneDisplay.DateTime(b.Start, zone),
            PreviousWhen = previous is null ? null : ZoneDisplay.DateTime(previous.FromStart, zone),
            Minutes = (int)(b.End - b.Start).TotalMinutes,
            Status = b.Status,
            MeetingUrl = b.Meeting?.JoinUrl,
            // Our own link, which asks the provider for a host link when clicked: the stored one expires.
            HostUrl = toSpecialist && b.Meeting?.HostUrl is not null ? Url(BookingLinks.HostPath(b.Id)) : null,
            ViewUrl = viewUrl,
            RescheduleUrl = rescheduleUrl,
            CancelUrl = cancelUrl,
            Policy = policy,
            CalendarUrl = calendarUrl,
            BookAgainUrl = toSpecialist ? null : Url($"/specialists/{specialist.Slug}"),
            // The customer's link writes a review; the specialist's shows the ones they have.
            ReviewUrl = !toSpecialist && b.Status == BookingStatus.Completed ? viewUrl
                : n.Type == NotificationType.ReviewReceived ? Url($"/specialists/{specialist.Slug}/reviews") : null,
            RecordingUrl = b.RecordingUrl,
            GoogleCalendarUrl = upcoming ? CalendarLinks.Google(linkData) : null,
            OutlookCalendarUrl = upcoming ? CalendarLinks.Outlook(linkData) : null,
            HasInvite = invite is not null,
            AmountPaid = paid ? Currencies.Format(payment!.Amount) : null,
            AmountRefunded = payment is { RefundedMinor: > 0 } ? Currencies.Format(new Money(payment.RefundedMinor, payment.Currency)) : null,
            Refund = b.Cancellation?.Refund,
        };
        return (view, invite);
    }

    /// <summary>The invite's DESCRIPTION (plain text): the links each side needs, since calendar apps show it beside the event.</summary>
    private static string InviteDescription(Booking b, SpecialistProfile specialist, bool toSpecialist,
        string? viewUrl, string? rescheduleUrl, string? cancelUrl, string? calendarUrl)
    {
        var minutes = (int)(b.End - b.Start).TotalMinutes;
        var text = new StringBuilder();
        text.AppendLine(toSpecialist
            ? $"{minutes}-minute session with {b.CustomerName}{(b.CustomerEmail.Length > 0 ? $" ({b.CustomerEmail})" : "")}."
            : $"{minutes}-minute session with {specialist.DisplayName}.");
        if (b.Meeting?.JoinUrl is { } join) text.AppendLine($"Join: {join}");
        if (viewUrl is not null) text.AppendLine($"Your booking: {viewUrl}");
        if (rescheduleUrl is not null) text.AppendLine($"Reschedule: {rescheduleUrl}");
        if (cancelUrl is not null) text.AppendLine($"Cancel: {cancelUrl}");
        if (calendarUrl is not null) text.AppendLine($"Your calendar: {calendarUrl}");
        return text.ToString().TrimEnd();
    }

    private Task<string> RenderAsync<TComponent>(EmailView view) where TComponent : IComponent =>
        renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TComponent>(
                ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(NotificationEmail.View)] = view }));
            return output.ToHtmlString();
        });

    /// <summary>
    /// The text template renders through the HTML renderer, which encodes its output: decode it, drop
    /// trailing spaces, and keep at most one blank line between paragraphs.
    /// </summary>
    private static string Tidy(string rendered)
    {
        var text = new StringBuilder();
        var blank = false;
        foreach (var raw in WebUtility.HtmlDecode(rendered).ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
            {
                blank = text.Length > 0;
                continue;
            }
            if (blank) text.Append('\n');
            text.Append(line).Append('\n');
            blank = false;
        }
        return text.ToString();
    }

    private static TextPart TextPart(string subtype, string content)
    {
        var part = new TextPart(subtype);
        part.SetText(Encoding.UTF8, content);
        return part;
    }
}

using Consulting.Web.Bookings;
using Consulting.Web.Calendar;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Payments;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Accounts;

/// <summary>A booking that deleting the account would cancel, with what cancelling it now refunds.</summary>
public sealed record BookingToCancel(Booking Booking, string SpecialistName, RefundDecision Refund, bool Paid);

/// <param name="Refusal">Why this account can't be deleted now (null when it can).</param>
public sealed record DeletionPreview(string? Refusal, IReadOnlyList<BookingToCancel> ToCancel);

public abstract record DeletionOutcome
{
    public sealed record Deleted(string Summary) : DeletionOutcome;
    public sealed record Refused(string Message) : DeletionOutcome;
    public sealed record WrongPassword : DeletionOutcome;
}

/// <summary>
/// Deleting an account. Bookings still to come are cancelled the way the customer would cancel them
/// (<see cref="BookingChanges.CancelAsync"/>: refund under the policy, meeting deleted, invites
/// withdrawn, the specialist told). What remains stays for the other side's records without the
/// person: past bookings show "Deleted customer", reviews "Anonymous", and the messages sent to them
/// lose their address once nothing is left to send. A specialist must cancel their upcoming
/// bookings first; their profile is then closed. The person can't sign in again.
/// </summary>
public sealed class AccountDeletion(
    AppDbContext db,
    UserManager<AppUser> users,
    BookingChanges changes,
    AccountEmails emails,
    FollowUps followUps,
    Reviews.ReviewService reviews,
    IClock clock)
{
    public const string CancelReason = "The customer deleted their account.";

    public CancellationPolicy Policy => changes.Policy;

    public async Task<DeletionPreview> PreviewAsync(AppUser user, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var live = await (from b in db.Bookings.AsNoTracking()
                          where b.CustomerUserId == user.Id
                              && (b.Status == BookingStatus.Pending || (b.Status == BookingStatus.Confirmed && b.End > now))
                          join s in db.Specialists on b.SpecialistId equals s.Id
                          orderby b.Start
                          select new { b, s.DisplayName }).ToListAsync(ct);
        var paid = await db.Payments.AsNoTracking()
            .Where(p => p.Status == PaymentStatus.Succeeded && live.Select(x => x.b.Id).Contains(p.BookingId))
            .Select(p => p.BookingId).ToListAsync(ct);
        var toCancel = live.Select(x => new BookingToCancel(x.b, x.DisplayName, changes.PreviewCancel(x.b, ActorRole.Customer),
            paid.Contains(x.b.Id))).ToList();
        return new DeletionPreview(await RefusalAsync(user, now, ct), toCancel);
    }

    public async Task<DeletionOutcome> DeleteAsync(AppUser user, string password, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        if (await RefusalAsync(user, now, ct) is { } refusal) return new DeletionOutcome.Refused(refusal);
        if (!await users.CheckPasswordAsync(user, password ?? "")) return new DeletionOutcome.WrongPassword();

        var summary = new List<string>();
        foreach (var item in (await PreviewAsync(user, ct)).ToCancel)
        {
            if (await changes.CancelAsync(item.Booking.Id, Actor.Customer(user.Id), CancelReason, ct) is not ChangeOutcome.Done) continue;
            var when = $"your session with {item.SpecialistName} on {ZoneDisplay.DateTime(item.Booking.Start, item.Booking.CustomerTimeZoneId)}";
            summary.Add(changes.Policy.CancelledWithAccount(when, item.Refund, item.Booking.Price, item.Paid));
        }
        // A booking that changed while it was being cancelled (e.g. paid that moment) keeps the account for now.
        if ((await PreviewAsync(user, ct)).ToCancel.Count > 0)
            return new DeletionOutcome.Refused("A booking changed while we were cancelling it. Nothing else was deleted; please try again.");

        List<SpecialistProfile> changedProfiles;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.ChangeTracker.Clear();
            user = await users.FindByIdAsync(user.Id) ?? throw new InvalidOperationException("The account vanished while being deleted.");
            changedProfiles = await ForgetBookingsAsync(user, now, ct);
            emails.AccountDeleted(user.Email!, user.TimeZoneId, string.Join(" ", summary));
            var profile = await db.Specialists.SingleOrDefaultAsync(s => s.UserId == user.Id, ct);
            if (profile is null)
            {
                await db.SaveChangesAsync(ct);
                var deleted = await users.DeleteAsync(user);
                if (!deleted.Succeeded) throw new InvalidOperationException("Identity refused to delete the account: " + deleted.Errors.First().Description);
            }
            else
            {
                // As it was: the cached page under its old address goes too.
                changedProfiles.Add(await db.Specialists.AsNoTracking().SingleAsync(s => s.Id == profile.Id, ct));
                await CloseProfileAsync(profile, now, ct);
                await EmptyAccountAsync(user);
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        foreach (var profile in changedProfiles) reviews.Forget(profile);
        followUps.SendNotificationsSoon();
        return new DeletionOutcome.Deleted(string.Join(" ", summary));
    }

    private async Task<string?> RefusalAsync(AppUser user, Instant now, CancellationToken ct)
    {
        if (await users.IsInRoleAsync(user, Roles.Admin))
            return "Admin accounts can't be deleted here. Ask whoever runs the site to remove it.";
        var upcoming = await (from p in db.Specialists
                              where p.UserId == user.Id
                              join b in db.Bookings on p.Id equals b.SpecialistId
                              where b.Status == BookingStatus.Confirmed && b.End > now
                                  || b.Status == BookingStatus.Pending && b.HoldExpiresAt > now
                              select b.Id).CountAsync(ct);
        return upcoming == 0 ? null
            : $"You have {upcoming} upcoming {(upcoming == 1 ? "booking" : "bookings")} with customers. Cancel {(upcoming == 1 ? "it" : "them")} " +
              $"on your Bookings page first ({CancellationPolicy.SpecialistCancelsFirst}), then delete your account.";
    }

    /// <summary>Their bookings, reviews and messages stay for the other side, without them.</summary>
    /// <returns>The profiles whose reviews changed (their cached pages must go).</returns>
    private async Task<List<SpecialistProfile>> ForgetBookingsAsync(AppUser user, Instant now, CancellationToken ct)
    {
        var bookings = await db.Bookings.Where(b => b.CustomerUserId == user.Id).ToListAsync(ct);
        var ids = bookings.Select(b => b.Id).ToList();
        var addresses = bookings.Select(b => b.CustomerEmail).Append(user.Email!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var names = bookings.Select(b => b.CustomerName).Append(user.DisplayName).Distinct().ToList();

        var messages = await db.Notifications
            .Where(n => n.RecipientUserId == user.Id || (n.BookingId != null && ids.Contains(n.BookingId.Value)))
            .ToListAsync(ct);
        foreach (var message in messages)
        {
            if (message.RecipientUserId == user.Id || addresses.Contains(message.RecipientEmail, StringComparer.OrdinalIgnoreCase))
                message.ForgetRecipient();
            // What the specialist was told ("New booking: Ana Díaz") no longer names them.
            foreach (var name in names) message.Redact(name, Booking.DeletedCustomerName);
        }
        var written = await db.Reviews.Where(r => r.CustomerUserId == user.Id || ids.Contains(r.BookingId)).ToListAsync(ct);
        foreach (var review in written) review.Anonymize();
        foreach (var booking in bookings) booking.ForgetCustomer(now);
        var reviewed = written.Select(r => r.SpecialistId).Distinct().ToList();
        return await db.Specialists.AsNoTracking().Where(s => reviewed.Contains(s.Id)).ToListAsync(ct);
    }

    private async Task CloseProfileAsync(SpecialistProfile profile, Instant now, CancellationToken ct)
    {
        profile.Close(SpecialistFeed.NewSecret(), now);
        var schedule = await db.Schedules.SingleOrDefaultAsync(s => s.SpecialistId == profile.Id, ct);
        // Nothing generates new times for it; its open and blocked times go now (booked ones are the bookings' history).
        schedule?.SetActive(false, now);
        await db.Slots.Where(s => s.SpecialistId == profile.Id && (s.State == SlotState.Available || s.State == SlotState.Blocked))
            .ExecuteDeleteAsync(ct);
    }

    /// <summary>
    /// A closed profile still refers to its account, so the row stays, emptied: no address, name,
    /// phone, password or roles, locked for good.
    /// </summary>
    private async Task EmptyAccountAsync(AppUser user)
    {
        foreach (var role in await users.GetRolesAsync(user)) await users.RemoveFromRoleAsync(user, role);
        db.UserClaims.RemoveRange(db.UserClaims.Where(c => c.UserId == user.Id));
        db.UserLogins.RemoveRange(db.UserLogins.Where(l => l.UserId == user.Id));
        db.UserTokens.RemoveRange(db.UserTokens.Where(t => t.UserId == user.Id));
        // Written directly: Identity's validators insist on an email address.
        var deleted = $"deleted-{user.Id}";
        (user.UserName, user.NormalizedUserName, user.Email, user.NormalizedEmail, user.EmailConfirmed) = (deleted, deleted.ToUpperInvariant(), null, null, false);
        (user.DisplayName, user.PhoneNumber, user.TimeZoneId, user.PasswordHash) = ("", null, null, null);
        (user.LockoutEnabled, user.LockoutEnd, user.SecurityStamp) = (true, DateTimeOffset.MaxValue, Guid.NewGuid().ToString("N"));
    }
}

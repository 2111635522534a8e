using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Consulting.Web.Data;

internal sealed class SpecialistProfileConfiguration : IEntityTypeConfiguration<SpecialistProfile>
{
    public void Configure(EntityTypeBuilder<SpecialistProfile> b)
    {
        b.ToTable("Specialists");
        b.HasIndex(s => s.UserId).IsUnique();
        b.HasIndex(s => s.Slug).IsUnique();
        b.Property(s => s.DisplayName).HasMaxLength(80);
        b.Property(s => s.Slug).HasMaxLength(60);
        b.Property(s => s.Currency).HasMaxLength(3);
        b.HasOne<AppUser>().WithOne().HasForeignKey<SpecialistProfile>(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AvailabilityScheduleConfiguration : IEntityTypeConfiguration<AvailabilitySchedule>
{
    public void Configure(EntityTypeBuilder<AvailabilitySchedule> b)
    {
        b.ToTable("Schedules");
        b.HasIndex(s => s.SpecialistId).IsUnique();
        b.Ignore(s => s.DefaultPrice);
        b.Ignore(s => s.Zone);
        b.Property(s => s.Currency).HasMaxLength(3);
        b.HasOne<SpecialistProfile>().WithOne().HasForeignKey<AvailabilitySchedule>(s => s.SpecialistId).OnDelete(DeleteBehavior.Cascade);

        b.OwnsMany(s => s.Windows, w =>
        {
            w.ToTable("ScheduleWindows");
            w.WithOwner().HasForeignKey("ScheduleId");
            w.HasKey(x => x.Id);
            w.Ignore(x => x.Window);
            w.HasIndex("ScheduleId", nameof(WeeklyWindow.Weekday));
        });
        b.OwnsMany(s => s.Exceptions, e =>
        {
            e.ToTable("ScheduleExceptions");
            e.WithOwner().HasForeignKey("ScheduleId");
            e.HasKey(x => x.Id);
            e.HasIndex("ScheduleId", nameof(DateException.Date)).IsUnique();
            e.OwnsMany(x => x.Windows, w =>
            {
                w.ToTable("ScheduleExceptionWindows");
                w.WithOwner().HasForeignKey("ExceptionId");
                w.HasKey(x => x.Id);
                w.Ignore(x => x.Window);
            });
            e.Navigation(x => x.Windows).AutoInclude();
        });
    }
}

internal sealed class SlotConfiguration : IEntityTypeConfiguration<Slot>
{
    internal const string LengthTicksSql = "\"End\" - \"Start\"";

    public void Configure(EntityTypeBuilder<Slot> b)
    {
        b.ToTable("Slots");
        b.Ignore(s => s.Price);
        b.Ignore(s => s.Length);
        b.Property(s => s.Currency).HasMaxLength(3);
        b.Property(s => s.BlockReason).HasMaxLength(Slot.MaxBlockReasonLength);
        // Every tracked change of a slot is written "... WHERE State = <the state we read>", so two
        // requests racing for one slot can't both win (STYLE rule 7).
        b.Property(s => s.State).IsConcurrencyToken();
        // Length in ticks, kept by the database itself, so searches can filter on session length.
        b.Property<long>(Slot.LengthTicksColumn).HasComputedColumnSql(LengthTicksSql, stored: false);
        // One slot per specialist and start: makes generation idempotent at the database.
        b.HasIndex(s => new { s.SpecialistId, s.Start }).IsUnique();
        // Customer search: open slots by time.
        b.HasIndex(s => new { s.State, s.Start });
        // A specialist's sessions on one day, for their daily cap (Bookings/OfferRules).
        b.HasIndex(s => new { s.SpecialistId, s.Day });
        b.HasIndex(s => s.BookingId);
        b.HasOne<SpecialistProfile>().WithMany().HasForeignKey(s => s.SpecialistId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BookingConfiguration : IEntityTypeConfiguration<Booking>
{
    public void Configure(EntityTypeBuilder<Booking> b)
    {
        b.ToTable("Bookings");
        // Status changes race (payment webhook vs. hold expiry vs. cancel): each save is
        // "... WHERE Status = <the status we read>", and the loser reloads and decides again.
        b.Property(x => x.Status).IsConcurrencyToken();
        b.Ignore(x => x.Price);
        b.Ignore(x => x.HasCustomerDetails);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.CustomerName).HasMaxLength(100);
        b.Property(x => x.CustomerEmail).HasMaxLength(254);
        b.Property(x => x.Notes).HasMaxLength(Booking.MaxNotesLength);
        b.HasIndex(x => new { x.SpecialistId, x.Start });
        b.HasIndex(x => new { x.CustomerUserId, x.Start });
        b.HasIndex(x => x.CustomerEmail);
        // Hold expiry and reminder jobs scan by status and time.
        b.HasIndex(x => new { x.Status, x.HoldExpiresAt });
        b.HasIndex(x => new { x.Status, x.Start });
        b.HasIndex(x => new { x.MeetingSync, x.MeetingSyncDueAt });
        b.Property(x => x.MeetingSyncError).HasMaxLength(500);
        b.HasWorkLease("MeetingSyncLeaseOwner", "MeetingSyncLeaseUntil");
        // Last line of defence against double booking: one live booking per slot.
        b.HasIndex(x => x.SlotId).IsUnique()
            .HasFilter($"\"Status\" IN ({(int)BookingStatus.Pending}, {(int)BookingStatus.Confirmed})")
            .HasDatabaseName("IX_Bookings_SlotId_Live");
        b.HasOne<SpecialistProfile>().WithMany().HasForeignKey(x => x.SpecialistId).OnDelete(DeleteBehavior.Restrict);
        // No foreign key to Slots: a cancelled or expired booking keeps its slot id (and its own
        // start/end copy) as history, while regeneration may delete the freed slot.
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.CustomerUserId).OnDelete(DeleteBehavior.SetNull);

        b.OwnsMany(x => x.StatusHistory, h =>
        {
            h.ToTable("BookingStatusHistory");
            h.WithOwner().HasForeignKey("BookingId");
            h.HasKey(x => x.Id);
        });
        b.OwnsMany(x => x.RescheduleHistory, h =>
        {
            h.ToTable("BookingReschedules");
            h.WithOwner().HasForeignKey("BookingId");
            h.HasKey(x => x.Id);
        });
        b.OwnsOne(x => x.Meeting, m =>
        {
            m.Property(x => x.Provider).HasColumnName("MeetingProvider").HasMaxLength(20);
            m.Property(x => x.ExternalId).HasColumnName("MeetingExternalId");
            m.Property(x => x.JoinUrl).HasColumnName("MeetingJoinUrl");
            m.Property(x => x.HostUrl).HasColumnName("MeetingHostUrl");
        });
        b.OwnsOne(x => x.Cancellation, c =>
        {
            c.Property(x => x.ByRole).HasColumnName("CancelledByRole");
            c.Property(x => x.ByUserId).HasColumnName("CancelledByUserId");
            c.Property(x => x.At).HasColumnName("CancelledAt");
            c.Property(x => x.Reason).HasColumnName("CancelReason");
            c.Property(x => x.Refund).HasColumnName("CancelRefund");
        });
        b.Navigation(x => x.StatusHistory).AutoInclude();
        b.Navigation(x => x.RescheduleHistory).AutoInclude();
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b)
    {
        b.ToTable("Payments");
        b.Ignore(x => x.Amount);
        b.Ignore(x => x.RefundedMinor);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Provider).HasMaxLength(20);
        b.HasIndex(x => x.BookingId);
        b.HasIndex(x => x.CheckoutSessionId).IsUnique().HasFilter("\"CheckoutSessionId\" IS NOT NULL");
        b.HasIndex(x => x.PaymentIntentId).IsUnique().HasFilter("\"PaymentIntentId\" IS NOT NULL");
        b.HasIndex(x => x.ChargeId);
        b.HasIndex(x => new { x.Status, x.CreatedAt });
        b.HasIndex(x => x.CheckoutEndDueAt);
        b.HasWorkLease("CheckoutEndLeaseOwner", "CheckoutEndLeaseUntil");
        b.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId).OnDelete(DeleteBehavior.Cascade);
        // Refunds are rows of their own so the refund job can claim one with a conditional update.
        b.HasMany(x => x.Refunds).WithOne().HasForeignKey("PaymentId").OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Refunds).AutoInclude();
    }
}

internal sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> b)
    {
        b.ToTable("Refunds");
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.Property(x => x.LastError).HasMaxLength(1000);
        b.HasWorkLease();
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("Notifications");
        b.Ignore(x => x.IsRead);
        b.HasIndex(x => new { x.RecipientUserId, x.CreatedAt });
        b.HasIndex(x => x.BookingId);
        // "Exactly once" for reminders and the like is a unique key the database enforces.
        b.HasIndex(x => x.DedupeKey).IsUnique().HasFilter("\"DedupeKey\" IS NOT NULL");
        // Deliveries are a table of their own so dispatchers can claim rows with a conditional update.
        b.HasMany(x => x.Deliveries).WithOne().HasForeignKey("NotificationId").OnDelete(DeleteBehavior.Cascade);
        b.Navigation(x => x.Deliveries).AutoInclude();
    }
}

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> b)
    {
        b.ToTable("NotificationDeliveries");
        b.Ignore(x => x.IsOpen);
        b.Property(x => x.LastError).HasMaxLength(1000);
        // Claimed with a lease by one dispatcher of any instance (Jobs/WorkRunner); an admin's retry
        // is still saved "... WHERE State = Failed".
        b.Property(x => x.State).IsConcurrencyToken();
        b.HasWorkLease();
        b.HasIndex(x => new { x.State, x.NextAttemptAt });
    }
}

internal sealed class ReviewConfiguration : IEntityTypeConfiguration<Review>
{
    public void Configure(EntityTypeBuilder<Review> b)
    {
        b.ToTable("Reviews");
        b.Property(x => x.Text).HasMaxLength(Review.MaxTextLength);
        b.HasIndex(x => x.BookingId).IsUnique();
        b.HasIndex(x => new { x.SpecialistId, x.CreatedAt });
        b.HasOne<Booking>().WithOne().HasForeignKey<Review>(x => x.BookingId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SpecialistProfile>().WithMany().HasForeignKey(x => x.SpecialistId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GenerationJobConfiguration : IEntityTypeConfiguration<GenerationJob>
{
    public void Configure(EntityTypeBuilder<GenerationJob> b)
    {
        b.ToTable("GenerationJobs");
        b.Ignore(x => x.IsFinished);
        b.Property(x => x.Origin).HasMaxLength(20);
        b.Property(x => x.Error).HasMaxLength(500);
        b.HasIndex(x => new { x.State, x.CreatedAt });
        b.HasIndex(x => new { x.SpecialistId, x.CreatedAt });
        b.HasWorkLease();
        b.HasOne<SpecialistProfile>().WithMany().HasForeignKey(x => x.SpecialistId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScheduledTaskConfiguration : IEntityTypeConfiguration<ScheduledTask>
{
    public void Configure(EntityTypeBuilder<ScheduledTask> b)
    {
        b.ToTable("ScheduledTasks");
        // One row per task name: two instances creating it at once can't both succeed.
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(ScheduledTask.MaxNameLength);
        b.Property(x => x.LastError).HasMaxLength(500);
        b.HasWorkLease();
    }
}

internal sealed class ProcessedWebhookEventConfiguration : IEntityTypeConfiguration<ProcessedWebhookEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedWebhookEvent> b)
    {
        b.ToTable("ProcessedWebhookEvents");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(255);
        b.Property(x => x.Provider).HasMaxLength(20);
        b.Property(x => x.Type).HasMaxLength(100);
    }
}

internal sealed class ExternalCalendarConfiguration : IEntityTypeConfiguration<ExternalCalendar>
{
    public void Configure(EntityTypeBuilder<ExternalCalendar> b)
    {
        b.ToTable("ExternalCalendars");
        b.Ignore(x => x.AddressIsPlain);
        b.Property(x => x.Name).HasMaxLength(ExternalCalendar.MaxNameLength);
        // The column kept its name when its content became the encrypted address.
        b.Property(x => x.ProtectedAddress).HasColumnName("Address").HasMaxLength(ExternalCalendar.MaxProtectedAddressLength);
        b.Property(x => x.AddressFingerprint).HasMaxLength(ExternalCalendar.FingerprintLength);
        b.Property(x => x.ETag).HasMaxLength(200);
        b.Property(x => x.LastModified).HasMaxLength(100);
        b.Property(x => x.LastError).HasMaxLength(ExternalCalendar.MaxErrorLength);
        // One specialist can't add the same address twice, even with two requests at once.
        b.HasIndex(x => new { x.SpecialistId, x.AddressFingerprint }).IsUnique();
        b.HasIndex(x => x.NextSyncAt);
        b.HasWorkLease();
        b.HasOne<SpecialistProfile>().WithMany().HasForeignKey(x => x.SpecialistId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BusyPeriodConfiguration : IEntityTypeConfiguration<BusyPeriod>
{
    public void Configure(EntityTypeBuilder<BusyPeriod> b)
    {
        b.ToTable("BusyPeriods");
        b.HasIndex(x => new { x.SpecialistId, x.Start });
        b.HasIndex(x => x.CalendarId);
        b.HasOne<ExternalCalendar>().WithMany().HasForeignKey(x => x.CalendarId).OnDelete(DeleteBehavior.Cascade);
    }
}

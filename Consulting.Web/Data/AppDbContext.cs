using Consulting.Web.Domain;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Consulting.Web.Data;

/// <summary>
/// The app's database. This type is the SQLite (default) context, with its migrations in
/// migrations/Sqlite; <see cref="PostgresAppDbContext"/> is the same model on PostgreSQL with its own
/// migrations. Services always ask for <see cref="AppDbContext"/>.
/// </summary>
public class AppDbContext : IdentityDbContext<AppUser>, IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

    /// <summary>For the provider subtypes, whose options are typed to themselves.</summary>
    protected AppDbContext(DbContextOptions options) : base(options) { }

    /// <summary>
    /// The request's (or job's) services, set when the context is handed out (<see cref="Hosting"/>'s
    /// database setup): the <see cref="IConsequence"/>s of a save come from there. Null for a context
    /// built by hand, which then can't save a change that raised events.
    /// </summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>Records the consequences of the events the tracked entities raised, then saves them with the change (one transaction).</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        await DomainEventDispatch.RecordConsequencesAsync(this, cancellationToken);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        DomainEventDispatch.RefuseUnrecorded(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public DbSet<SpecialistProfile> Specialists => Set<SpecialistProfile>();
    public DbSet<AvailabilitySchedule> Schedules => Set<AvailabilitySchedule>();
    public DbSet<Slot> Slots => Set<Slot>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<Refund> Refunds => Set<Refund>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();
    public DbSet<Review> Reviews => Set<Review>();
    public DbSet<GenerationJob> GenerationJobs => Set<GenerationJob>();
    public DbSet<ScheduledTask> ScheduledTasks => Set<ScheduledTask>();
    public DbSet<ProcessedWebhookEvent> ProcessedWebhookEvents => Set<ProcessedWebhookEvent>();
    public DbSet<ExternalCalendar> ExternalCalendars => Set<ExternalCalendar>();
    public DbSet<BusyPeriod> BusyPeriods => Set<BusyPeriod>();
    /// <summary>The data-protection key ring, shared by every instance (sign-in cookies, signed links).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Instant>().HaveConversion<NodaConverters.InstantToTicks>();
        configurationBuilder.Properties<LocalDate>().HaveConversion<NodaConverters.LocalDateToIso>().HaveMaxLength(10);
        configurationBuilder.Properties<LocalTime>().HaveConversion<NodaConverters.LocalTimeToTicks>();
        configurationBuilder.Properties<WeekdaySet>().HaveConversion<NodaConverters.WeekdaySetToMask>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);

        // Every Guid key is set by the domain, so EF must treat a new one found through a
        // navigation as an insert, never as an update of an existing row.
        foreach (var entity in builder.Model.GetEntityTypes())
        foreach (var key in entity.GetKeys())
        foreach (var property in key.Properties.Where(p => p.ClrType == typeof(Guid)))
            property.ValueGenerated = Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never;
    }
}

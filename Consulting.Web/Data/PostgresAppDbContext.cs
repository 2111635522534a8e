using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Data;

/// <summary>
/// <see cref="AppDbContext"/> on PostgreSQL. A type of its own so that its migrations (in
/// migrations/Postgres) and model snapshot are told apart from SQLite's: EF Core finds a context's
/// migrations by its exact type.
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // PostgreSQL before 18 has stored generated columns only.
        builder.Entity<Slot>().Property<long>(Slot.LengthTicksColumn).HasComputedColumnSql(SlotConfiguration.LengthTicksSql, stored: true);

        // Strings are text, as in SQLite, which never enforced a length: what fits is decided by the
        // domain's and the forms' own checks on both providers alike, rather than a value one of them
        // would store and the other refuse with an error.
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(t => t.GetDeclaredProperties()))
            if (property.ClrType == typeof(string)) property.SetMaxLength(null);
    }
}

using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Consulting.Web.Data;

/// <summary>
/// The two columns a background-work row is leased with: who holds it (one value per claim) and
/// until when. They belong to the job runner, not to the domain, so they are shadow properties.
/// </summary>
public static class WorkLeaseColumns
{
    public const string Owner = "LeaseOwner";
    public const string Until = "LeaseUntil";
    public const int OwnerMaxLength = 100;

    public static void HasWorkLease<T>(this EntityTypeBuilder<T> b, string owner = Owner, string until = Until) where T : class
    {
        b.Property<string?>(owner).HasMaxLength(OwnerMaxLength);
        b.Property<Instant?>(until);
    }
}

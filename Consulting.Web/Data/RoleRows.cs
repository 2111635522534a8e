using Microsoft.EntityFrameworkCore.Migrations;

namespace Consulting.Web.Data;

/// <summary>
/// The roles as rows a migration writes, so that a database migrated by any means (start-up,
/// <c>--migrate-only</c>, <c>dotnet ef database update</c>, a test template) has them before the first
/// sign-up. Start-up checks them again in the background (<c>Hosting/DemoData.cs</c>),
/// which no longer races a sign-up that comes first.
/// </summary>
public static class RoleRows
{
    public static void InsertMissing(MigrationBuilder migration)
    {
        foreach (var role in Roles.All)
        {
            var normalized = role.ToUpperInvariant();
            // The same SQL on SQLite and PostgreSQL; a role start-up made earlier is left as it is.
            migration.Sql($"""
                INSERT INTO "AspNetRoles" ("Id", "Name", "NormalizedName", "ConcurrencyStamp")
                SELECT '{Guid.NewGuid()}', '{role}', '{normalized}', '{Guid.NewGuid()}'
                WHERE NOT EXISTS (SELECT 1 FROM "AspNetRoles" WHERE "NormalizedName" = '{normalized}');
                """);
        }
    }
}

using Xunit.Abstractions;
using Xunit.Sdk;

// In the root namespace: every test file sees it without a using.
namespace Consulting.Tests;

/// <summary>
/// Marks a test class that never touches a database (no app host): .ci/test.sh's PostgreSQL pass
/// leaves it out (<c>--filter Database!=None</c>). Every class without it runs on SQLite and on
/// PostgreSQL, so a new test that starts an app is covered on both without asking.
/// </summary>
[TraitDiscoverer("Consulting.Tests.NoDatabaseDiscoverer", "Consulting.Tests")]
[AttributeUsage(AttributeTargets.Class)]
public sealed class NoDatabaseAttribute : Attribute, ITraitAttribute;

public sealed class NoDatabaseDiscoverer : ITraitDiscoverer
{
    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute) => [new("Database", "None")];
}

/// <summary>A test of SQLite's own behaviour (its file, its upgrade path): skipped on the PostgreSQL pass.</summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (Support.TestDatabase.IsPostgres) Skip = "SQLite only (this is the PostgreSQL pass)";
    }
}

/// <summary>
/// Marks a test class that starts an app but tests nothing a database provider changes (page markup,
/// accessibility, what the browser does with htmx and focus): like <see cref="NoDatabaseAttribute"/>,
/// it runs on the SQLite pass only, which keeps the browser tests (one serial collection) from
/// running twice. The server side of every flow they drive is covered on both providers by the HTTP
/// page tests (Consulting.Tests/Pages).
/// </summary>
[TraitDiscoverer("Consulting.Tests.NoDatabaseDiscoverer", "Consulting.Tests")]
[AttributeUsage(AttributeTargets.Class)]
public sealed class ProviderIndependentAttribute : Attribute, ITraitAttribute;

using Consulting.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Migrations.Design;

// What `dotnet ef` uses (README, Operations) as its startup project. Each provider's context is made
// here, not by starting the app, so `--context PostgresAppDbContext` works without a PostgreSQL server
// or app settings; a connection string is only needed by commands that connect (pass
// `-- --ConnectionStrings:Default=…`).

public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<AppDbContext>()
        .UseSqlite(DesignTime.ConnectionString(args) ?? "Data Source=data/consulting.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<PostgresAppDbContext>()
        .UseNpgsql(DesignTime.ConnectionString(args) ?? "Host=localhost;Database=consulting").Options);
}

/// <summary>Puts migrations and model snapshots in the repository's top-level migrations/ folder.</summary>
public sealed class DesignTime : IDesignTimeServices
{
    public void ConfigureDesignTimeServices(IServiceCollection services) =>
        services.AddScoped<IMigrationsScaffolder, TopLevelMigrationsScaffolder>();

    internal static string? ConnectionString(string[] args) => new ConfigurationBuilder()
        .AddEnvironmentVariables().AddCommandLine(args).Build().GetConnectionString("Default");

    /// <summary>
    /// EF looks for the previous migration and the snapshot only inside the target project's folder
    /// (Consulting.Web), and would write a new snapshot there; these live beside it, in migrations/&lt;Provider&gt;/.
    /// </summary>
    private sealed class TopLevelMigrationsScaffolder(MigrationsScaffolderDependencies dependencies) : MigrationsScaffolder(dependencies)
    {
        protected override string? TryGetProjectFile(string projectDir, string fileName)
        {
            var root = MigrationsRoot(projectDir);
            return (Directory.Exists(root) ? Directory.EnumerateFiles(root, fileName, SearchOption.AllDirectories).FirstOrDefault() : null)
                ?? base.TryGetProjectFile(projectDir, fileName);
        }

        // A provider's first migration has no sibling yet: EF would put its snapshot in the project, in
        // a folder per part of its namespace (Consulting/Web/Migrations/X); it goes to migrations/X.
        protected override string GetDirectory(string projectDir, string? siblingFileName, string subnamespace)
        {
            var directory = base.GetDirectory(projectDir, siblingFileName, subnamespace);
            var parts = Path.GetRelativePath(projectDir, directory).Split(Path.DirectorySeparatorChar);
            var migrations = Array.IndexOf(parts, "Migrations");
            return parts[0] == ".." || migrations < 0
                ? directory
                : Path.Combine([MigrationsRoot(projectDir), .. parts[(migrations + 1)..]]);
        }

        private static string MigrationsRoot(string projectDir) => Path.GetFullPath(Path.Combine(projectDir, "..", "migrations"));
    }
}

namespace Consulting.Web.Hosting;

/// <summary>
/// The command line: our own switches (<c>--seed</c>, <c>--migrate-only</c>) taken out, the rest for
/// the host, and where the app's content root is.
/// </summary>
public sealed record AppStart(bool Seed, bool MigrateOnly, string[] HostArgs)
{
    public const string SeedSwitch = "--seed";
    public const string MigrateOnlySwitch = "--migrate-only";

    /// <summary>Our switches are not configuration keys: taken out, "--seed --urls X" still means --urls X.</summary>
    public static AppStart Parse(string[] args) => new(
        args.Contains(SeedSwitch),
        args.Contains(MigrateOnlySwitch),
        args.Where(a => a is not (SeedSwitch or MigrateOnlySwitch)).ToArray());

    /// <summary>
    /// A published app's content root is its own folder, wherever it is started from (a systemd unit
    /// without WorkingDirectory starts it in /): appsettings.json, wwwroot and every relative path in
    /// the settings (the SQLite file, keys, the mail folder) are found there. An explicit content root
    /// (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>/<c>DOTNET_CONTENTROOT</c>) wins. A build
    /// that isn't published (<c>dotnet run</c>, tests) keeps the host's default.
    /// </summary>
    public WebApplicationOptions HostOptions() => new()
    {
        Args = HostArgs,
        ContentRootPath = ExplicitContentRoot() || !IsPublishedLayout(AppContext.BaseDirectory) ? null : AppContext.BaseDirectory,
    };

    /// <summary>Publishing copies wwwroot (with the vendored htmx) next to the app's assembly; a build output has none.</summary>
    internal static bool IsPublishedLayout(string folder) =>
        File.Exists(Path.Combine(folder, "wwwroot", "lib", "htmx", "htmx.min.js"));

    private bool ExplicitContentRoot() =>
        HostArgs.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase)
                          || a.StartsWith("/contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
}

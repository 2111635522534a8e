using Microsoft.Extensions.FileProviders;

namespace Consulting.Web.Hosting;

public static class WebRoot
{
    /// <summary>
    /// The web root is the repository's top-level wwwroot (../wwwroot from the project) in a
    /// checkout, and ./wwwroot in a published app, where the build copies it.
    /// </summary>
    public static WebApplicationBuilder UseTopLevelWebRoot(this WebApplicationBuilder builder)
    {
        var env = builder.Environment;
        var candidates = new[] { Path.Combine(env.ContentRootPath, "wwwroot"), Path.Combine(env.ContentRootPath, "..", "wwwroot") };
        var root = candidates.Select(Path.GetFullPath).FirstOrDefault(p => File.Exists(Path.Combine(p, "lib", "htmx", "htmx.min.js")))
            ?? throw new DirectoryNotFoundException($"No wwwroot with lib/htmx found under {env.ContentRootPath} or its parent.");
        env.WebRootPath = root;
        env.WebRootFileProvider = new PhysicalFileProvider(root);
        return builder;
    }
}

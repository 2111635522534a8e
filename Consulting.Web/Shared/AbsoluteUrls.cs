using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Consulting.Web.Shared;

/// <summary>The "App" settings section.</summary>
public sealed class AppOptions : IValidatableObject
{
    public const string Section = "App";

    /// <summary>The site's public address; every absolute link the app writes starts with it (<see cref="AbsoluteUrls"/>).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Data-protection keys live in <c>{DataDirectory}/keys</c>; relative to the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        const string key = Section + ":" + nameof(BaseUrl);
        if (string.IsNullOrWhiteSpace(BaseUrl))
        {
            yield return new ValidationResult($"{key} is missing: set it to the site's public address (https://…); emails, payment return addresses and calendar feeds link to it.");
            yield break;
        }
        if (!Uri.TryCreate(BaseUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            yield return new ValidationResult($"{key} must be the site's absolute http(s) address without a query or fragment (such as https://book.example.com), not '{BaseUrl}'.");
            yield break;
        }
        // A local address is right on a developer's machine (and for the test suite's own servers);
        // anywhere else it sends every reader of an email to their own computer.
        var env = (IHostEnvironment?)context.GetService(typeof(IHostEnvironment));
        if (IsLocal(uri) && env is not null && !env.IsDevelopment() && !env.IsEnvironment(TestingEnvironment))
            yield return new ValidationResult($"{key} is {BaseUrl}, a local address, in the {env.EnvironmentName} environment: links in emails and payment return addresses would lead to the reader's own machine. Set it to the site's public address.");
    }

    /// <summary>The test suite's environment, whose servers listen on 127.0.0.1.</summary>
    public const string TestingEnvironment = "Testing";

    private static bool IsLocal(Uri uri) =>
        uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
}

/// <summary>
/// The one source of absolute links (emails, payment return addresses, the iCal feed's address,
/// calendar links): <c>App:BaseUrl</c> joined with a path of ours. Never built from the request's
/// Host or scheme, which a client chooses.
/// </summary>
public sealed class AbsoluteUrls(IOptions<AppOptions> options)
{
    private Uri? _base;

    /// <summary><c>App:BaseUrl</c> with a trailing slash, so a base with a path prefix (https://example.com/book/) keeps it.</summary>
    public Uri Base => _base ??= new Uri(options.Value.BaseUrl!.Trim().TrimEnd('/') + "/");

    /// <summary>The absolute address of one of our paths ("/bookings/…?t=…").</summary>
    public Uri To(string pathAndQuery) => new(Base, pathAndQuery.TrimStart('/'));
}

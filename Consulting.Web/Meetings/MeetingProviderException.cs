using System.Net;

namespace Consulting.Web.Meetings;

/// <summary>
/// A meeting provider refused or could not be reached. The booking is unaffected; the caller can
/// try again later (<see cref="IsTransient"/> says whether waiting is likely to help). Messages carry
/// the provider's own explanation, never a credential or access token.
/// </summary>
public sealed class MeetingProviderException : Exception
{
    public MeetingProviderException(string provider, string message, HttpStatusCode? statusCode = null,
        string? providerCode = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider;
        StatusCode = statusCode;
        ProviderCode = providerCode;
        RetryAfter = retryAfter;
    }

    public string Provider { get; }

    /// <summary>The provider's HTTP status; null when no answer arrived (network failure, timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The provider's own error code (Zoom: <c>124</c>, <c>3001</c>, <c>invalid_client</c>…).</summary>
    public string? ProviderCode { get; }

    /// <summary>How long the provider asked us to wait (rate limits), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>No answer, rate-limited or a server error: the same call may well work later.</summary>
    public bool IsTransient => StatusCode is null or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;
}

namespace Consulting.Web.Domain;

/// <summary>
/// A rule of the domain was broken: an illegal state transition or an invalid value.
/// <see cref="Field"/> names the input the message belongs beside, when there is one.
/// </summary>
public sealed class DomainException(string message, string? field = null) : Exception(message)
{
    public string? Field { get; } = field;
}

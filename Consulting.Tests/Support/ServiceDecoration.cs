using Consulting.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Support;

public static class ServiceDecoration
{
    /// <summary>Wraps the app's registration of <typeparamref name="T"/> (same lifetime) in a test's decorator.</summary>
    public static void Decorate<T>(this IServiceCollection services, Func<T, T> decorate) where T : class
    {
        var inner = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(inner);
        services.Add(new ServiceDescriptor(typeof(T), sp => decorate((T)(inner.ImplementationInstance
            ?? inner.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!))), inner.Lifetime));
    }

    /// <summary>
    /// Adds to the app's DbContext options on either provider: the PostgreSQL context is its own
    /// type with its own options, so configuring <see cref="AppDbContext"/> alone would miss it.
    /// </summary>
    public static void ConfigureAppDbContext(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
    {
        services.ConfigureDbContext<AppDbContext>(configure);
        services.ConfigureDbContext<PostgresAppDbContext>(configure);
    }
}

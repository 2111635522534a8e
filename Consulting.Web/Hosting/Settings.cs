using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Consulting.Web.Hosting;

/// <summary>
/// Every settings section is bound and checked the same way: <c>builder.AddSettings&lt;T&gt;("Section")</c>.
/// Data annotations on the options class check single values, <see cref="IValidatableObject"/> the
/// rules between them (a validation context that resolves <see cref="IHostEnvironment"/> is passed),
/// and every message names the setting as an operator writes it (<c>Booking:HoldMinutes</c>). The
/// app refuses to start while any section is invalid (<see cref="ValidateSettings"/>).
/// </summary>
public static class Settings
{
    public static OptionsBuilder<T> AddSettings<T>(this WebApplicationBuilder builder, string section) where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(sp => new SettingsValidator<T>(section, sp));
        return builder.Services.AddOptions<T>().Bind(builder.Configuration.GetSection(section)).ValidateOnStart();
    }

    /// <summary>
    /// Checks every section before anything touches the database or the network, and stops with
    /// one message listing each invalid setting.
    /// </summary>
    public static void ValidateSettings(this WebApplication app)
    {
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (e is OptionsValidationException or AggregateException)
        {
            var failures = (e is AggregateException all ? all.InnerExceptions : [e])
                .SelectMany(x => x is OptionsValidationException o ? o.Failures : [x.Message])
                .ToList();
            var message = "The settings are invalid:" + string.Concat(failures.Select(f => $"{Environment.NewLine}  - {f}"));
            app.Logger.LogCritical("{Message}", message);
            throw new InvalidSettingsException(message, failures);
        }
    }
}

/// <summary>Start-up stopped because of the settings; <see cref="Failures"/> has one message per problem.</summary>
public sealed class InvalidSettingsException(string message, IReadOnlyList<string> failures) : Exception(message)
{
    public IReadOnlyList<string> Failures { get; } = failures;
}

internal sealed class SettingsValidator<T>(string section, IServiceProvider services) : IValidateOptions<T> where T : class
{
    private static readonly PropertyInfo[] Checked = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.IsDefined(typeof(ValidationAttribute), inherit: true))
        .ToArray();

    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = new List<string>();
        foreach (var property in Checked)
        {
            var context = new ValidationContext(options, services, null) { MemberName = property.Name, DisplayName = $"{section}:{property.Name}" };
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateValue(property.GetValue(options), context, results, property.GetCustomAttributes<ValidationAttribute>(inherit: true)))
                failures.AddRange(results.Select(r => r.ErrorMessage ?? $"{section}:{property.Name} is invalid."));
        }
        // The rules between values assume each value is valid on its own.
        if (failures.Count == 0 && options is IValidatableObject rules)
            failures.AddRange(rules.Validate(new ValidationContext(options, services, null)).Select(r => r.ErrorMessage ?? $"{section} is invalid."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

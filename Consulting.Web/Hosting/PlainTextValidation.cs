using System.ComponentModel.DataAnnotations;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;

namespace Consulting.Web.Hosting;

/// <summary>
/// Every bound string of every form and query gets <see cref="PlainTextAttribute"/>: control
/// characters other than line breaks and tabs make the model state invalid, so a form that checks
/// it shows the message beside the field. Single-line rules (names, emails) are the domain's
/// (<see cref="PlainText"/>), since only it knows which values go on one line.
/// </summary>
public sealed class PlainTextValidationProvider : IValidationMetadataProvider
{
    public void CreateValidationMetadata(ValidationMetadataProviderContext context)
    {
        if (context.Key.ModelType == typeof(string)) context.ValidationMetadata.ValidatorMetadata.Add(new PlainTextAttribute());
    }
}

[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PlainTextAttribute : ValidationAttribute
{
    public PlainTextAttribute() : base(PlainText.MultiLineMessage) { }

    public override bool IsValid(object? value) => value is not string text || PlainText.IsMultiLine(text);
}

public static class PlainTextValidation
{
    public static IServiceCollection AddPlainTextValidation(this IServiceCollection services) =>
        services.Configure<MvcOptions>(o => o.ModelMetadataDetailsProviders.Add(new PlainTextValidationProvider()));
}

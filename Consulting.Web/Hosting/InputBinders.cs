using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using NodaTime;

namespace Consulting.Web.Hosting;

/// <summary>
/// The wording of what a typed form field says when its text isn't a value. Times word their own
/// (<see cref="TimeInput.TryTime"/>: a start can't be 24:00, seconds are refused), and zones theirs
/// (<see cref="ZoneLookup.Find"/>, built on <see cref="TimeZones.UnknownMessage"/>).
/// </summary>
public static class InputMessages
{
    public const string Date = "Enter a date like 2026-11-30.";
    public const string DateMissing = "Enter a date.";
    public const string Price = "Enter a price of zero or more, e.g. 100.00.";
    public const string PriceMissing = "Enter a price, e.g. 100.00.";
    public const string Currency = "Choose one of the listed currencies.";
    /// <summary>A price limit in a search, rather than a price someone charges.</summary>
    public const string Amount = "Enter an amount like 100 or 99.50.";
    public const string AmountCurrency = "Choose the currency of the maximum price.";

    /// <summary>A window's own price, read in the schedule's currency (which its form doesn't carry).</summary>
    public static string WindowPrice(Money defaultPrice) =>
        $"Enter a price in {defaultPrice.Currency} like {Currencies.FormatMajor(defaultPrice)}, or leave it empty for your default price.";
}

/// <summary>An end time: "24:00" is midnight at the end of the day (see <see cref="TimeInput.TryTime"/>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class EndOfDayAttribute : Attribute;

/// <summary>
/// A <see cref="Money"/> field's currency is the sibling field <paramref name="field"/> of the same
/// form (a select beside the amount): the amount alone can't be read, since "12.345" is fine in
/// KWD and wrong in EUR, so the binder reads both rather than leaving the pair to the page.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class CurrencyFromAttribute(string field) : Attribute
{
    public string Field { get; } = field;
    /// <summary>What a bad amount says: one of <see cref="InputMessages"/>.</summary>
    public string AmountMessage { get; init; } = InputMessages.Price;
    /// <summary>What a missing or unlisted currency says: one of <see cref="InputMessages"/>.</summary>
    public string CurrencyMessage { get; init; } = InputMessages.Currency;
    /// <summary>
    /// Set when the amount is required: what an empty one says. The binder says it rather than
    /// [Required], which would also fault an amount left unread because its currency was wrong.
    /// </summary>
    public string? Missing { get; init; }
}

/// <summary>A currency the forms offer (<see cref="Currencies.Common"/>); empty is left to [Required].</summary>
public sealed class ListedCurrencyAttribute : System.ComponentModel.DataAnnotations.ValidationAttribute
{
    public ListedCurrencyAttribute() : base(InputMessages.Currency)
    {
    }

    public override bool IsValid(object? value) =>
        value is not string text || text.Trim().Length == 0 || Currencies.Common.Contains(text.Trim().ToUpperInvariant());
}

/// <summary>
/// Binds what forms send for dates ("2026-03-08"), times ("09:30"), zones ("Europe/Berlin", "tokyo")
/// and money (an amount plus its <see cref="CurrencyFromAttribute">currency field</see>) to NodaTime
/// and domain types. Text that isn't a value leaves the property empty with its message in ModelState
/// beside the field, and the typed text kept for the form to show again; it never throws. Empty text
/// is no value (null): whether a field is required is for [Required] or the page to say (money says
/// it itself, see <see cref="CurrencyFromAttribute.Missing"/>).
/// </summary>
public sealed class InputBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        var type = context.Metadata.UnderlyingOrModelType;
        if (type == typeof(LocalDate)) return new TextBinder((_, text) => TimeInput.Date(text) is { } date ? (date, null) : (null, InputMessages.Date));
        if (type == typeof(LocalTime))
        {
            var isEnd = Attribute<EndOfDayAttribute>(context.Metadata) is not null;
            return new TextBinder((_, text) => TimeInput.TryTime(text, isEnd, out var time, out var error) ? (time, null) : (null, error));
        }
        // A ZoneMatch keeps the note for a zone saved under another name ("US/Eastern" → America/New_York).
        if (type == typeof(ZoneMatch)) return new TextBinder((_, text) => Zone(text, m => m));
        if (type == typeof(DateTimeZone)) return new TextBinder((_, text) => Zone(text, m => TimeZones.Get(m.ZoneId!)));
        if (type == typeof(Money))
        {
            var currency = Attribute<CurrencyFromAttribute>(context.Metadata)
                ?? throw new InvalidOperationException($"{context.Metadata.Name}: a Money field needs [CurrencyFrom] naming its currency field.");
            return new TextBinder((binding, text) => MoneyBinder.Parse(binding, text, currency), currency.Missing);
        }
        return null;
    }

    private static T? Attribute<T>(ModelMetadata metadata) where T : Attribute =>
        (metadata as DefaultModelMetadata)?.Attributes.Attributes.OfType<T>().FirstOrDefault();

    private static (object?, string?) Zone(string text, Func<ZoneMatch, object> value) =>
        ZoneLookup.Find(text) is var match && match.Found ? (value(match), null) : (null, match.Error);

    /// <summary>Reads the field's text; the parser gives the value or the message.</summary>
    /// <param name="missing">What an empty or missing field says, when the binder rather than [Required] says it.</param>
    private sealed class TextBinder(Func<ModelBindingContext, string, (object? Value, string? Error)> parse, string? missing = null) : IModelBinder
    {
        public Task BindModelAsync(ModelBindingContext context)
        {
            var values = context.ValueProvider.GetValue(context.ModelName);
            if (values != ValueProviderResult.None) context.ModelState.SetModelValue(context.ModelName, values);
            var text = (values.FirstValue ?? "").Trim();
            if (text.Length == 0 && missing is not null)
            {
                context.ModelState.TryAddModelError(context.ModelName, missing);
                return Task.CompletedTask;
            }
            // Nothing sent: the property keeps its default, as with the framework's binders.
            if (values == ValueProviderResult.None) return Task.CompletedTask;
            if (text.Length == 0)
            {
                if (context.ModelMetadata.IsReferenceOrNullableType) context.Result = ModelBindingResult.Success(null);
                else context.ModelState.TryAddModelError(context.ModelName, context.ModelMetadata.UnderlyingOrModelType == typeof(LocalDate)
                    ? InputMessages.DateMissing : context.ModelMetadata.ModelBindingMessageProvider.ValueMustNotBeNullAccessor(text));
                return Task.CompletedTask;
            }
            var (value, error) = parse(context, text);
            if (value is not null) context.Result = ModelBindingResult.Success(value);
            else
            {
                // No message: the parser put it on another field (a money amount's currency).
                if (error is not null) context.ModelState.TryAddModelError(context.ModelName, error);
                context.Result = ModelBindingResult.Failed();
            }
            return Task.CompletedTask;
        }
    }

    private static class MoneyBinder
    {
        /// <summary>The amount in the currency beside it; an unlisted currency is that field's message, not the amount's.</summary>
        public static (object?, string?) Parse(ModelBindingContext context, string text, CurrencyFromAttribute from)
        {
            var parent = context.ModelName.LastIndexOf('.') is var dot and >= 0 ? context.ModelName[..dot] : "";
            var currencyKey = ModelNames.CreatePropertyModelName(parent, from.Field);
            var currency = (context.ValueProvider.GetValue(currencyKey).FirstValue ?? "").Trim().ToUpperInvariant();
            if (!Currencies.Common.Contains(currency))
            {
                if (context.ModelState.GetFieldValidationState(currencyKey) != ModelValidationState.Invalid)
                    context.ModelState.TryAddModelError(currencyKey, from.CurrencyMessage);
                return (null, null);
            }
            return Currencies.TryParseMajor(text, currency, out var minor) ? (new Money(minor, currency), null) : (null, from.AmountMessage);
        }
    }
}

public static class InputBinding
{
    /// <summary>Registered once, ahead of the framework's binders; the types' parts aren't validated as models of their own.</summary>
    public static IServiceCollection AddInputBinders(this IServiceCollection services) => services.Configure<MvcOptions>(o =>
    {
        o.ModelBinderProviders.Insert(0, new InputBinderProvider());
        foreach (var type in new[] { typeof(Money), typeof(ZoneMatch), typeof(DateTimeZone) })
            o.ModelMetadataDetailsProviders.Add(new SuppressChildValidationMetadataProvider(type));
    });
}

/// <summary>What a hand-written form field shows for a typed value.</summary>
public static class FieldValues
{
    /// <summary>
    /// A field this request refused shows what was typed (it has no value to format); any other
    /// field shows its value, formatted the way its input expects.
    /// </summary>
    public static string? Shown(this ModelStateDictionary modelState, string name, string? value) =>
        modelState.TryGetValue(name, out var entry) && entry.Errors.Count > 0 ? entry.AttemptedValue : value;

    public static string? Shown(this ModelStateDictionary modelState, string name, LocalDate? value) =>
        modelState.Shown(name, TimeInput.Format(value));

    public static string? Shown(this ModelStateDictionary modelState, string name, LocalTime? value, bool isEnd = false) =>
        modelState.Shown(name, value is { } t ? isEnd ? TimeInput.FormatEnd(t) : TimeInput.Format(t) : null);

    public static string? Shown(this ModelStateDictionary modelState, string name, Money? value) =>
        modelState.Shown(name, value is { } m ? Currencies.FormatMajor(m) : null);
}

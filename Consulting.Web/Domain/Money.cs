namespace Consulting.Web.Domain;

/// <summary>An amount in minor units (cents) of an ISO 4217 currency.</summary>
public readonly record struct Money
{
    public long Minor { get; }
    public string Currency { get; }

    public Money(long minor, string currency)
    {
        if (minor < 0) throw new DomainException("An amount can't be negative.", "Price");
        Currency = Currencies.Normalize(currency);
        Minor = minor;
    }

    public static Money Zero(string currency) => new(0, currency);

    /// <summary>"12.50 EUR"-style text; pages use <see cref="Currencies.Format"/> for symbols.</summary>
    public override string ToString() => Currencies.Format(this);
}

public static class Currencies
{
    // Currencies whose minor unit isn't 1/100 (ISO 4217 exponent).
    private static readonly Dictionary<string, int> Exponents = new(StringComparer.Ordinal)
    {
        ["JPY"] = 0, ["KRW"] = 0, ["VND"] = 0, ["CLP"] = 0, ["ISK"] = 0,
        ["BHD"] = 3, ["KWD"] = 3, ["OMR"] = 3, ["JOD"] = 3, ["TND"] = 3,
    };

    /// <summary>Currencies offered in forms; any 3-letter ISO code is accepted in the domain.</summary>
    public static readonly IReadOnlyList<string> Common = ["USD", "EUR", "GBP", "INR", "AUD", "CAD", "JPY", "CHF"];

    public static string Normalize(string? code)
    {
        var c = (code ?? "").Trim().ToUpperInvariant();
        if (c.Length != 3 || !c.All(char.IsAsciiLetterUpper))
            throw new DomainException("Currency must be a three-letter ISO code such as USD.", "Currency");
        return c;
    }

    public static int Exponent(string currency) => Exponents.GetValueOrDefault(currency, 2);

    public static string Format(Money money)
    {
        var exp = Exponent(money.Currency);
        var major = exp == 0 ? money.Minor.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
            : (money.Minor / (decimal)Pow10(exp)).ToString("N" + exp, System.Globalization.CultureInfo.InvariantCulture);
        return Symbol(money.Currency) is { } s ? s + major : $"{major} {money.Currency}";
    }

    private static string? Symbol(string currency) => currency switch
    {
        "USD" => "$", "EUR" => "€", "GBP" => "£", "INR" => "₹", "JPY" => "¥",
        "AUD" => "A$", "CAD" => "C$",
        _ => null,
    };

    /// <summary>The amount as a plain number for an input field: 1250 USD → "12.50".</summary>
    public static string FormatMajor(Money money)
    {
        var exp = Exponent(money.Currency);
        return (money.Minor / (decimal)Pow10(exp)).ToString("F" + exp, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long Pow10(int exp)
    {
        long result = 1;
        for (var i = 0; i < exp; i++) result *= 10;
        return result;
    }

    /// <summary>
    /// Parses "12.5" into minor units without floating point. Only digits and one decimal point:
    /// "12,5" is refused rather than read as 125, and amounts are never negative.
    /// </summary>
    public static bool TryParseMajor(string? text, string currency, out long minor)
    {
        minor = 0;
        var value = (text ?? "").Trim();
        if (value.Length is 0 or > 20 || !decimal.TryParse(value, System.Globalization.NumberStyles.AllowDecimalPoint,
                System.Globalization.CultureInfo.InvariantCulture, out var amount)) return false;
        var scaled = amount * Pow10(Exponent(currency));
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue) return false;
        minor = (long)scaled;
        return true;
    }
}

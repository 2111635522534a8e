using Consulting.Web.Domain;

namespace Consulting.Tests.Domain;

[NoDatabase]
public class MoneyTests
{
    [Theory]
    [InlineData("12.5", "USD", 1250)]
    [InlineData("12.50", "USD", 1250)]
    [InlineData("12", "USD", 1200)]
    [InlineData(" 0.01 ", "EUR", 1)]
    [InlineData("1200", "JPY", 1200)]
    [InlineData("1.234", "KWD", 1234)]
    public void TryParseMajor_converts_major_units_to_minor_units(string text, string currency, long expected)
    {
        Assert.True(Currencies.TryParseMajor(text, currency, out var minor));
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData("12.345", "USD")]
    [InlineData("1200.5", "JPY")]
    [InlineData("1.2345", "KWD")]
    [InlineData("abc", "USD")]
    [InlineData("", "USD")]
    [InlineData(null, "USD")]
    [InlineData("99999999999999999999", "USD")]
    [InlineData("79228162514264337593543950335", "USD")]
    // A decimal comma is refused rather than read as a thousands separator (12,5 € is not 125 €).
    [InlineData("12,5", "EUR")]
    [InlineData("1,200.00", "USD")]
    [InlineData("-5", "USD")]
    public void TryParseMajor_rejects_text_that_is_not_a_whole_number_of_minor_units(string? text, string currency)
    {
        Assert.False(Currencies.TryParseMajor(text, currency, out var minor));
        Assert.Equal(0, minor);
    }

    [Theory]
    [InlineData(1250, "USD", "$12.50")]
    [InlineData(0, "USD", "$0.00")]
    [InlineData(123456789, "EUR", "€1,234,567.89")]
    [InlineData(999, "GBP", "£9.99")]
    [InlineData(1200, "JPY", "¥1,200")]
    [InlineData(1250, "CHF", "12.50 CHF")]
    [InlineData(1234, "KWD", "1.234 KWD")]
    [InlineData(5000, "KRW", "5,000 KRW")]
    public void Format_uses_the_currency_exponent_and_symbol(long minor, string currency, string expected)
    {
        var money = new Money(minor, currency);

        Assert.Equal(expected, Currencies.Format(money));
        Assert.Equal(expected, money.ToString());
    }

    [Fact]
    public void Negative_money_throws_on_Price()
    {
        var ex = Assert.Throws<DomainException>(() => new Money(-1, "USD"));

        Assert.Equal("Price", ex.Field);
    }

    [Fact]
    public void Zero_money_is_allowed()
    {
        Assert.Equal(new Money(0, "USD"), Money.Zero("usd"));
    }

    [Theory]
    [InlineData("usd", "USD")]
    [InlineData(" eur ", "EUR")]
    [InlineData("Jpy", "JPY")]
    public void Normalize_trims_and_upper_cases(string code, string expected)
    {
        Assert.Equal(expected, Currencies.Normalize(code));
        Assert.Equal(expected, new Money(100, code).Currency);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("US")]
    [InlineData("USDT")]
    [InlineData("U$D")]
    [InlineData("12A")]
    public void Normalize_rejects_anything_but_three_letters_on_Currency(string? code)
    {
        var ex = Assert.Throws<DomainException>(() => Currencies.Normalize(code));

        Assert.Equal("Currency", ex.Field);
    }

    [Fact]
    public void Money_with_a_bad_currency_throws_on_Currency()
    {
        var ex = Assert.Throws<DomainException>(() => new Money(100, "dollars"));

        Assert.Equal("Currency", ex.Field);
    }

    [Theory]
    [InlineData("USD", 2)]
    [InlineData("JPY", 0)]
    [InlineData("BHD", 3)]
    public void Exponent_follows_ISO_4217(string currency, int expected)
    {
        Assert.Equal(expected, Currencies.Exponent(currency));
    }

    [Fact]
    public void Money_with_same_amount_and_currency_is_equal()
    {
        Assert.Equal(new Money(1250, "usd"), new Money(1250, "USD"));
        Assert.NotEqual(new Money(1250, "USD"), new Money(1250, "EUR"));
    }
}

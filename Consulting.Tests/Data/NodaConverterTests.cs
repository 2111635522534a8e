using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NodaTime;

namespace Consulting.Tests.Data;

[NoDatabase]
public class NodaConverterTests
{
    private static TProvider ToProvider<TModel, TProvider>(ValueConverter<TModel, TProvider> converter, TModel value) =>
        (TProvider)converter.ConvertToProvider(value)!;

    private static TModel FromProvider<TModel, TProvider>(ValueConverter<TModel, TProvider> converter, TProvider value) =>
        (TModel)converter.ConvertFromProvider(value)!;

    // Values are listed in ascending order.
    private static readonly Instant[] Instants =
    [
        Instant.FromUtc(1900, 1, 1, 0, 0),
        Instant.FromUtc(1969, 12, 31, 23, 59, 59),
        Instant.FromUnixTimeTicks(-1),
        NodaConstants.UnixEpoch,
        Instant.FromUnixTimeTicks(1),
        Instant.FromUtc(2026, 3, 8, 7, 0),
        Instant.FromUtc(2026, 3, 10, 15, 0),
        Instant.FromUtc(2100, 12, 31, 23, 59, 59),
    ];

    private static readonly LocalDate[] Dates =
    [
        new(1, 1, 1),
        new(999, 12, 31),
        new(1999, 12, 31),
        new(2000, 1, 1),
        new(2000, 2, 29),
        new(2000, 10, 1),
        new(2025, 12, 31),
        new(2026, 1, 1),
        new(9999, 12, 31),
    ];

    // 23:59:59.9999999 is the last tick of the day (LocalTime.MaxValue has sub-tick nanoseconds).
    private static readonly LocalTime[] Times =
    [
        LocalTime.Midnight,
        LocalTime.FromTicksSinceMidnight(1),
        new(0, 0, 1),
        new(9, 0),
        new(12, 0),
        new(23, 59, 59),
        LocalTime.FromTicksSinceMidnight(TimeSpan.TicksPerDay - 1),
    ];

    [Fact]
    public void InstantToTicks_round_trips()
    {
        var converter = new NodaConverters.InstantToTicks();

        foreach (var instant in Instants)
            Assert.Equal(instant, FromProvider(converter, ToProvider(converter, instant)));
    }

    [Fact]
    public void InstantToTicks_stores_ticks_since_the_unix_epoch()
    {
        var converter = new NodaConverters.InstantToTicks();

        Assert.Equal(0L, ToProvider(converter, NodaConstants.UnixEpoch));
        Assert.Equal(-NodaConstants.TicksPerSecond, ToProvider(converter, NodaConstants.UnixEpoch - Duration.FromSeconds(1)));
    }

    [Fact]
    public void InstantToTicks_orders_like_instants_across_the_epoch()
    {
        var converter = new NodaConverters.InstantToTicks();

        AssertSameOrder(Instants, i => ToProvider(converter, i), Comparer<long>.Default);
    }

    [Fact]
    public void LocalDateToIso_round_trips()
    {
        var converter = new NodaConverters.LocalDateToIso();

        foreach (var date in Dates)
            Assert.Equal(date, FromProvider(converter, ToProvider(converter, date)));
    }

    [Fact]
    public void LocalDateToIso_writes_zero_padded_iso_text()
    {
        var converter = new NodaConverters.LocalDateToIso();

        Assert.Equal("2026-03-08", ToProvider(converter, new LocalDate(2026, 3, 8)));
        Assert.Equal("0999-12-31", ToProvider(converter, new LocalDate(999, 12, 31)));
    }

    [Fact]
    public void LocalDateToIso_orders_like_dates_under_ordinal_text_comparison()
    {
        var converter = new NodaConverters.LocalDateToIso();

        // SQLite's default BINARY collation compares text byte by byte, i.e. ordinally.
        AssertSameOrder(Dates, d => ToProvider(converter, d), StringComparer.Ordinal);
    }

    [Fact]
    public void LocalTimeToTicks_round_trips()
    {
        var converter = new NodaConverters.LocalTimeToTicks();

        foreach (var time in Times)
            Assert.Equal(time, FromProvider(converter, ToProvider(converter, time)));
    }

    [Fact]
    public void LocalTimeToTicks_stores_ticks_since_midnight()
    {
        var converter = new NodaConverters.LocalTimeToTicks();

        Assert.Equal(0L, ToProvider(converter, LocalTime.Midnight));
        Assert.Equal(TimeSpan.TicksPerDay - 1, ToProvider(converter, Times[^1]));
    }

    [Fact]
    public void LocalTimeToTicks_orders_like_times_from_midnight_to_the_last_tick()
    {
        var converter = new NodaConverters.LocalTimeToTicks();

        AssertSameOrder(Times, t => ToProvider(converter, t), Comparer<long>.Default);
    }

    [Fact]
    public void WeekdaySetToMask_round_trips_every_combination()
    {
        var converter = new NodaConverters.WeekdaySetToMask();

        for (var mask = 0; mask < 128; mask++)
        {
            var set = new WeekdaySet(mask);
            Assert.Equal(mask, ToProvider(converter, set));
            Assert.Equal(set, FromProvider(converter, ToProvider(converter, set)));
        }
    }

    [Fact]
    public void WeekdaySetToMask_stores_monday_as_bit_0()
    {
        var converter = new NodaConverters.WeekdaySetToMask();

        Assert.Equal(0b1000001, ToProvider(converter, WeekdaySet.Of(IsoDayOfWeek.Monday, IsoDayOfWeek.Sunday)));
    }

    /// <summary>Every pair compares the same way as model values and as provider values.</summary>
    private static void AssertSameOrder<TModel, TProvider>(
        IReadOnlyList<TModel> ascending, Func<TModel, TProvider> toProvider, IComparer<TProvider> providerComparer)
        where TModel : IComparable<TModel>
    {
        for (var i = 0; i < ascending.Count; i++)
        {
            for (var j = 0; j < ascending.Count; j++)
            {
                var model = Math.Sign(ascending[i].CompareTo(ascending[j]));
                var provider = Math.Sign(providerComparer.Compare(toProvider(ascending[i]), toProvider(ascending[j])));
                Assert.True(model == provider,
                    $"{ascending[i]} vs {ascending[j]}: model order {model}, provider order {provider}");
            }
        }

        // Guards against a list that isn't actually ascending, which would make the check above vacuous.
        Assert.Equal(ascending, ascending.Order());
    }
}

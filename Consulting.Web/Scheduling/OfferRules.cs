using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Consulting.Web.Scheduling;

/// <summary>
/// Which free slots customers are offered, as one SQL condition: the slot is free and still part of
/// its schedule (<see cref="SlotUnavailability.None"/>), and its specialist's <see cref="BookingRules"/>
/// (read from their schedule row, the site's defaults filling the gaps) allow it. Lists of open slots
/// select with it and the hold's conditional UPDATE (<see cref="HoldWriter"/>) decides with it, so
/// a rule changed a moment ago is the rule the race is decided by.
/// </summary>
/// <remarks>
/// Instants are INTEGER Unix ticks here (see Data/NodaConverters), so "now + notice" is integer
/// arithmetic. The daily cap counts held and booked slots by their <see cref="Slot.Day"/>; SQLite
/// runs each hold inside BEGIN IMMEDIATE, so the count can't change under it. PostgreSQL has
/// concurrent writers: a write that takes a slot first calls <see cref="LockDailyCapAsync"/>.
/// Another source of unavailability (a specialist's busy calendar times) is one more reason in
/// <see cref="SlotUnavailability"/>, not another clause here.
/// </remarks>
public sealed class OfferRules(IOptions<BookingOptions> booking, IOptions<SchedulingOptions> scheduling)
{
    public BookingRules SiteDefaults => new(booking.Value.MinimumNotice, scheduling.Value.HorizonDays, null);

    /// <summary>The condition for the slot row <paramref name="slot"/> (an alias or table name), given the names of its three parameters.</summary>
    /// <param name="now">Now, in Unix ticks.</param>
    /// <param name="defaultNotice">The site's minimum notice, in ticks.</param>
    /// <param name="defaultHorizon">The site's horizon, in ticks.</param>
    /// <param name="oneSpecialist">
    /// The query also names one specialist: then "+State" keeps SQLite (which has no statistics to
    /// tell them apart) off the (State, Start) index, which walks every specialist's open slots, and
    /// on the (SpecialistId, Start) one. Unary plus is plain SQL and changes no result.
    /// </param>
    public static string Condition(string slot, string now, string defaultNotice, string defaultHorizon, bool oneSpecialist = false) => $"""
        {(oneSpecialist ? "+" : "")}{slot}."State" = {(int)SlotState.Available} AND {slot}."Unavailability" = {(int)SlotUnavailability.None}
        AND {slot}."Start" > {now}
        AND EXISTS (SELECT 1 FROM "Schedules" AS rules
            WHERE rules."SpecialistId" = {slot}."SpecialistId"
              AND {slot}."Start" >= {now} + COALESCE(CAST(rules."MinimumNoticeMinutes" AS BIGINT) * {NodaConstants.TicksPerMinute}, {defaultNotice})
              AND {slot}."Start" < {now} + COALESCE(rules."HorizonDays" * {NodaConstants.TicksPerDay}, {defaultHorizon})
              AND (rules."MaxSessionsPerDay" IS NULL OR rules."MaxSessionsPerDay" > (
                  SELECT COUNT(*) FROM "Slots" AS taken
                  WHERE taken."SpecialistId" = {slot}."SpecialistId" AND taken."Day" = {slot}."Day"
                    AND taken."State" IN ({(int)SlotState.Held}, {(int)SlotState.Booked}))))
        """;

    /// <summary>
    /// Before a transaction takes one of the specialist's slots on PostgreSQL: while it runs, other
    /// takes of the same specialist wait, so two can't both pass a daily cap with one place left.
    /// Only a schedule with a cap is locked; SQLite's one writer needs nothing.
    /// </summary>
    public static async Task LockDailyCapAsync(DatabaseFacade database, Guid specialistId, CancellationToken ct)
    {
        if (!database.IsNpgsql()) return;
        await database.ExecuteSqlInterpolatedAsync(
            $"SELECT 1 FROM \"Schedules\" WHERE \"SpecialistId\" = {specialistId} AND \"MaxSessionsPerDay\" IS NOT NULL FOR NO KEY UPDATE", ct);
    }

    /// <summary>The three parameter values <see cref="Condition"/> names, in its order.</summary>
    public object[] Parameters(Instant now) => Parameters(now, SiteDefaults);

    /// <inheritdoc cref="Parameters(Instant)"/>
    public static object[] Parameters(Instant now, BookingRules siteDefaults) =>
        [now.ToUnixTimeTicks(), siteDefaults.MinimumNotice.BclCompatibleTicks, Duration.FromDays(siteDefaults.HorizonDays).BclCompatibleTicks];
}

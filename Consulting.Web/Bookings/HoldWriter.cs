using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>
/// The decisive write of a hold: the slot's conditional UPDATE and the new booking's INSERTs, on a
/// connection of its own with statements prepared once. Holds that arrive while a transaction runs
/// queue in memory (not in SQLite's busy handler, whose sleeps waste most of a burst) and are
/// written together in the next transaction: one BEGIN IMMEDIATE … COMMIT for the lot, while each
/// hold is still decided by its own conditional UPDATE and the "one live booking per slot" index.
/// </summary>
/// <remarks>
/// The statements bind values exactly as EF Core stores them (see NodaConverters and
/// EntityConfigurations): Instants as INTEGER Unix ticks, enums as INTEGER, Guids as the upper-case
/// TEXT that Microsoft.Data.Sqlite writes for a Guid parameter.
/// </remarks>
public sealed class HoldWriter : IAsyncDisposable
{
    /// <summary>Holds per transaction at most: a bigger batch makes every hold in it wait longer.</summary>
    private const int MaxBatch = 64;

    internal static readonly string[] BookingColumns =
    [
        "Id", "SpecialistId", "SlotId", "CustomerUserId", "CustomerName", "CustomerEmail", "CustomerPhone",
        "CustomerTimeZoneId", "Notes", "Start", "End", "PriceMinor", "Currency", "Status", "HoldExpiresAt", "CreatedAt",
        "Sequence", "MeetingProvider", "MeetingExternalId", "MeetingJoinUrl", "MeetingHostUrl", "CancelledByRole",
        "CancelledByUserId", "CancelledAt", "CancelReason", "CancelRefund", "RecordingUrl", "MeetingSync",
        "MeetingSyncAttempts", "MeetingSyncDueAt", "MeetingSyncError",
    ];

    /// <summary>Without "Id", which SQLite assigns.</summary>
    internal static readonly string[] StatusHistoryColumns = ["BookingId", "Status", "At", "ByRole", "ByUserId", "Reason"];

    // The slot must still be the slot the booking was made from (a reconcile may change a free slot's
    // end or price), and still be offered: free, in its schedule, within its specialist's booking rules
    // as they are now (OfferRules). Otherwise the hold lost.
    private static readonly string HoldSlotSql = $"""
        UPDATE "Slots" SET "State" = $held, "BookingId" = $booking, "HeldUntil" = $until
        WHERE "Id" = $slot AND "Start" = $start AND "End" = $end AND "PriceMinor" = $price AND "Currency" = $currency
          AND {OfferRules.Condition("\"Slots\"", "$now", "$notice", "$horizon")};
        """;

    private sealed record Request(Booking Booking, Instant Now, BookingRules SiteDefaults, CancellationToken Cancellation)
    {
        public TaskCompletionSource<bool> Won { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly System.Threading.Channels.Channel<Request> _queue = System.Threading.Channels.Channel.CreateUnbounded<Request>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly Task _loop;

    public HoldWriter(string connectionString)
    {
        _connectionString = connectionString;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Writes the hold of <paramref name="booking"/>'s slot and the booking itself. True when it won
    /// (committed); false when the slot was no longer free and unchanged, or its specialist's booking
    /// rules (<paramref name="siteDefaults"/> where they set none) don't allow it at <paramref name="now"/>.
    /// </summary>
    public Task<bool> HoldAsync(Booking booking, Instant now, BookingRules siteDefaults, CancellationToken ct)
    {
        var request = new Request(booking, now, siteDefaults, ct);
        if (!_queue.Writer.TryWrite(request)) throw new ObjectDisposedException(nameof(HoldWriter));
        return request.Won.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var batch = new List<Request>(MaxBatch);
        Statements? statements = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var request))
                {
                    // A request that gave up while queued is not written.
                    if (request.Cancellation.IsCancellationRequested) request.Won.TrySetCanceled(request.Cancellation);
                    else batch.Add(request);
                }
                try
                {
                    statements ??= Statements.Open(_connectionString);
                    Write(statements, batch);
                }
                catch (Exception e)
                {
                    // BEGIN or COMMIT failed (or the connection): nothing of the batch was saved.
                    foreach (var request in batch) request.Won.TrySetException(e);
                    statements?.Dispose();
                    statements = null;
                }
                batch.Clear();
            }
        }
        finally
        {
            statements?.Dispose();
        }
    }

    private static void Write(Statements statements, List<Request> batch)
    {
        var pending = new List<Request>(batch);
        var won = new bool[pending.Count];
        while (pending.Count > 0)
        {
            var failed = -1;
            Exception? error = null;
            using (var tx = statements.Begin())
            {
                for (var i = 0; i < pending.Count && failed < 0; i++)
                {
                    try
                    {
                        won[i] = statements.TryHold(pending[i].Booking, pending[i].Now, pending[i].SiteDefaults);
                    }
                    catch (Exception e)
                    {
                        (failed, error) = (i, e);
                    }
                }
                if (failed < 0) tx.Commit();
            }
            if (failed < 0)
            {
                for (var i = 0; i < pending.Count; i++) pending[i].Won.TrySetResult(won[i]);
                return;
            }
            // One hold's own write failed (say its customer account was deleted a moment ago): it
            // alone gets the error; the rest were rolled back with it and are written again.
            pending[failed].Won.TrySetException(error!);
            pending.RemoveAt(failed);
        }
    }

    /// <summary>The writer's connection and its prepared statements.</summary>
    private sealed class Statements : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _holdSlot, _insertBooking, _insertHistory;
        private readonly Dictionary<string, SqliteParameter> _slot = [], _booking = [], _history = [];

        private Statements(SqliteConnection connection)
        {
            _connection = connection;
            _holdSlot = Prepare(HoldSlotSql, _slot, "held", "booking", "until", "slot", "now", "notice", "horizon", "start", "end", "price", "currency");
            _slot["held"].Value = (int)SlotState.Held;
            _insertBooking = Prepare(Insert("Bookings", BookingColumns), _booking, BookingColumns);
            _insertHistory = Prepare(Insert("BookingStatusHistory", StatusHistoryColumns), _history, StatusHistoryColumns);
        }

        public static Statements Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                using (var pragmas = connection.CreateCommand())
                {
                    pragmas.CommandText = SqlitePragmaInterceptor.Pragmas;
                    pragmas.ExecuteNonQuery();
                }
                return new Statements(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock before the first read.</summary>
        public SqliteTransaction Begin()
        {
            var tx = _connection.BeginTransaction();
            _holdSlot.Transaction = _insertBooking.Transaction = _insertHistory.Transaction = tx;
            return tx;
        }

        public bool TryHold(Booking b, Instant now, BookingRules siteDefaults)
        {
            _slot["booking"].Value = b.Id;
            _slot["until"].Value = b.HoldExpiresAt.ToUnixTimeTicks();
            _slot["slot"].Value = b.SlotId;
            _slot["now"].Value = now.ToUnixTimeTicks();
            _slot["notice"].Value = siteDefaults.MinimumNotice.BclCompatibleTicks;
            _slot["horizon"].Value = Duration.FromDays(siteDefaults.HorizonDays).BclCompatibleTicks;
            _slot["start"].Value = b.Start.ToUnixTimeTicks();
            _slot["end"].Value = b.End.ToUnixTimeTicks();
            _slot["price"].Value = b.PriceMinor;
            _slot["currency"].Value = b.Currency;
            if (_holdSlot.ExecuteNonQuery() != 1) return false;

            Bind(_booking, "Id", b.Id);
            Bind(_booking, "SpecialistId", b.SpecialistId);
            Bind(_booking, "SlotId", b.SlotId);
            Bind(_booking, "CustomerUserId", b.CustomerUserId);
            Bind(_booking, "CustomerName", b.CustomerName);
            Bind(_booking, "CustomerEmail", b.CustomerEmail);
            Bind(_booking, "CustomerPhone", b.CustomerPhone);
            Bind(_booking, "CustomerTimeZoneId", b.CustomerTimeZoneId);
            Bind(_booking, "Notes", b.Notes);
            Bind(_booking, "Start", b.Start.ToUnixTimeTicks());
            Bind(_booking, "End", b.End.ToUnixTimeTicks());
            Bind(_booking, "PriceMinor", b.PriceMinor);
            Bind(_booking, "Currency", b.Currency);
            Bind(_booking, "Status", (int)b.Status);
            Bind(_booking, "HoldExpiresAt", b.HoldExpiresAt.ToUnixTimeTicks());
            Bind(_booking, "CreatedAt", b.CreatedAt.ToUnixTimeTicks());
            Bind(_booking, "Sequence", b.Sequence);
            Bind(_booking, "MeetingProvider", b.Meeting?.Provider);
            Bind(_booking, "MeetingExternalId", b.Meeting?.ExternalId);
            Bind(_booking, "MeetingJoinUrl", b.Meeting?.JoinUrl);
            Bind(_booking, "MeetingHostUrl", b.Meeting?.HostUrl);
            Bind(_booking, "CancelledByRole", (int?)b.Cancellation?.ByRole);
            Bind(_booking, "CancelledByUserId", b.Cancellation?.ByUserId);
            Bind(_booking, "CancelledAt", b.Cancellation?.At.ToUnixTimeTicks());
            Bind(_booking, "CancelReason", b.Cancellation?.Reason);
            Bind(_booking, "CancelRefund", (int?)b.Cancellation?.Refund);
            Bind(_booking, "RecordingUrl", b.RecordingUrl);
            Bind(_booking, "MeetingSync", (int)b.MeetingSync);
            Bind(_booking, "MeetingSyncAttempts", b.MeetingSyncAttempts);
            Bind(_booking, "MeetingSyncDueAt", b.MeetingSyncDueAt?.ToUnixTimeTicks());
            Bind(_booking, "MeetingSyncError", b.MeetingSyncError);
            _insertBooking.ExecuteNonQuery();

            // A new booking has its status history only (no reschedules yet).
            foreach (var change in b.StatusHistory)
            {
                Bind(_history, "BookingId", b.Id);
                Bind(_history, "Status", (int)change.Status);
                Bind(_history, "At", change.At.ToUnixTimeTicks());
                Bind(_history, "ByRole", (int)change.ByRole);
                Bind(_history, "ByUserId", change.ByUserId);
                Bind(_history, "Reason", change.Reason);
                _insertHistory.ExecuteNonQuery();
            }
            return true;
        }

        public void Dispose()
        {
            _holdSlot.Dispose();
            _insertBooking.Dispose();
            _insertHistory.Dispose();
            _connection.Dispose();
        }

        private static string Insert(string table, string[] columns) =>
            $"""INSERT INTO "{table}" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select(c => "$" + c))});""";

        private SqliteCommand Prepare(string sql, Dictionary<string, SqliteParameter> parameters, params string[] names)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in names) parameters[name] = command.Parameters.Add(new SqliteParameter("$" + name, DBNull.Value));
            command.Prepare();
            return command;
        }

        private static void Bind(Dictionary<string, SqliteParameter> parameters, string name, object? value) =>
            parameters[name].Value = value ?? DBNull.Value;
    }
}

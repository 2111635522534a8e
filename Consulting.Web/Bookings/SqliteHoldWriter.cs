using System.Diagnostics;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Scheduling;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Metadata;
using NodaTime;

namespace Consulting.Web.Bookings;

/// <summary>
/// The hold's write on SQLite, which has one writer at a time: on a connection of its own with
/// statements prepared once. Holds that arrive while a transaction runs queue in memory (not in
/// SQLite's busy handler, whose sleeps waste most of a burst) and are written together in the next
/// transaction: one BEGIN IMMEDIATE … COMMIT for the lot, while each hold is still decided by its own
/// conditional UPDATE and the "one live booking per slot" index.
/// </summary>
/// <remarks>
/// The booking's INSERTs take their columns and value conversions from the EF model
/// (<see cref="ModelInsert"/>); the slot's UPDATE binds values as EF stores them (see NodaConverters):
/// Instants as INTEGER Unix ticks, enums as INTEGER.
/// </remarks>
public sealed class SqliteHoldWriter : HoldWriter, IAsyncDisposable
{
    /// <summary>Holds per transaction at most: a bigger batch makes every hold in it wait longer.</summary>
    private const int MaxBatch = 64;

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
        /// <summary>The caller's trace: the write runs on the writer's loop, where it would be lost.</summary>
        public ActivityContext Parent { get; } = Activity.Current?.Context ?? default;

        public TaskCompletionSource<bool> Won { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly System.Threading.Channels.Channel<Request> _queue = System.Threading.Channels.Channel.CreateUnbounded<Request>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly IModel _model;
    private readonly Task _loop;

    public SqliteHoldWriter(string connectionString, IModel model)
    {
        _connectionString = connectionString;
        _model = model;
        _loop = Task.Run(RunAsync);
    }

    public override Task<bool> HoldAsync(Booking booking, Instant now, BookingRules siteDefaults, CancellationToken ct)
    {
        var request = new Request(booking, now, siteDefaults, ct);
        if (!_queue.Writer.TryWrite(request)) throw new ObjectDisposedException(nameof(SqliteHoldWriter));
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
                    statements ??= Statements.Open(_connectionString, _model);
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
                    // EF Core's instrumentation does not see this connection: the write is traced here.
                    using var span = AppTelemetry.Source.StartActivity("hold write", ActivityKind.Client, pending[i].Parent);
                    span?.SetTag("db.system", "sqlite");
                    span?.SetTag("db.operation.name", "UPDATE");
                    span?.SetTag("db.batch.size", pending.Count);
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
        private readonly SqliteCommand _holdSlot;
        private readonly Dictionary<string, SqliteParameter> _slot = [];
        private readonly ModelInsert _insertBooking;
        /// <summary>The booking's owned collections (its status history), each with its own INSERT.</summary>
        private readonly (IClrPropertyGetter Items, ModelInsert Insert)[] _insertOwned;

        private Statements(SqliteConnection connection, IModel model)
        {
            _connection = connection;
            _holdSlot = connection.CreateCommand();
            _holdSlot.CommandText = HoldSlotSql;
            foreach (var name in (string[])["held", "booking", "until", "slot", "now", "notice", "horizon", "start", "end", "price", "currency"])
                _slot[name] = _holdSlot.Parameters.Add(new SqliteParameter("$" + name, DBNull.Value));
            _holdSlot.Prepare();
            _slot["held"].Value = (int)SlotState.Held;

            var booking = model.FindEntityType(typeof(Booking))!;
            _insertBooking = ModelInsert.Prepare(connection, booking);
            _insertOwned = [.. booking.GetNavigations()
                .Where(n => n.IsCollection && n.ForeignKey.IsOwnership)
                .Select(n => (n.GetGetter(), ModelInsert.Prepare(connection, n.TargetEntityType)))];
        }

        public static Statements Open(string connectionString, IModel model)
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
                return new Statements(connection, model);
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
            _holdSlot.Transaction = tx;
            _insertBooking.Transaction = tx;
            foreach (var (_, insert) in _insertOwned) insert.Transaction = tx;
            return tx;
        }

        public bool TryHold(Booking b, Instant now, BookingRules siteDefaults)
        {
            _slot["booking"].Value = b.Id;
            _slot["until"].Value = b.HoldExpiresAt.ToUnixTimeTicks();
            _slot["slot"].Value = b.SlotId;
            var rules = OfferRules.Parameters(now, siteDefaults);
            (_slot["now"].Value, _slot["notice"].Value, _slot["horizon"].Value) = (rules[0], rules[1], rules[2]);
            _slot["start"].Value = b.Start.ToUnixTimeTicks();
            _slot["end"].Value = b.End.ToUnixTimeTicks();
            _slot["price"].Value = b.PriceMinor;
            _slot["currency"].Value = b.Currency;
            if (_holdSlot.ExecuteNonQuery() != 1) return false;

            _insertBooking.Execute(b);
            foreach (var (items, insert) in _insertOwned)
                if (items.GetClrValue(b) is System.Collections.IEnumerable rows)
                    foreach (var row in rows) insert.Execute(row, b);
            return true;
        }

        public void Dispose()
        {
            _holdSlot.Dispose();
            _insertBooking.Dispose();
            foreach (var (_, insert) in _insertOwned) insert.Dispose();
            _connection.Dispose();
        }
    }
}

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BookingLoad;

/// <summary>An antiforgery cookie and the form token issued with it (they only work together).</summary>
internal sealed record AntiforgeryPair(string CookieHeader, string Token);

/// <summary>An open slot seen on a specialist's week page, with the pair that page handed out.</summary>
internal sealed record SeenSlot(Guid Id, string Slug, AntiforgeryPair Pair);

internal sealed record Sample(int Status, long StartTicks, long EndTicks, string? Location)
{
    public double Milliseconds => (EndTicks - StartTicks) * 1000.0 / Stopwatch.Frequency;
}

/// <summary>
/// Hold load against a running app (started by ../booking-load.sh): collects open slots and
/// antiforgery pairs from the public week pages, fires concurrent holds over distinct slots, then a
/// contention round where every client races for the same few slots, and finally counts double
/// bookings directly in the database (the SQLite file of --db, or the PostgreSQL database of
/// --postgres). With several --base-url addresses (comma-separated: instances on one database) the
/// clients take turns among them, using pages and tokens that the first one handed out.
/// Prints its figures and writes them as key=value lines to --results for the script's summary.
/// </summary>
internal static partial class Program
{
    private const string HoldFormField = "slotId";
    private const string TokenField = "__RequestVerificationToken";
    private const string TakenNotice = "This time was just taken";

    [GeneratedRegex("""name="slotId"\s+value="(?<id>[0-9a-fA-F-]{36})"[^>]*class="slot-button""")]
    private static partial Regex SlotButton();

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*>""")]
    private static partial Regex TokenInput();

    [GeneratedRegex("""value="(?<v>[^"]+)""")]
    private static partial Regex ValueAttribute();

    private static int _serverErrors;

    public static async Task<int> Main(string[] args)
    {
        var baseUrls = (StringOption(args, "--base-url") ?? throw new ArgumentException("--base-url is required"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Func<DbConnection> open = StringOption(args, "--postgres") is { } postgres
            ? () => new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres) { Pooling = false }.ConnectionString)
            : StringOption(args, "--db") is { } dbPath
                ? () => new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false, DefaultTimeout = 30 }.ToString())
                : throw new ArgumentException("--db (a SQLite file) or --postgres (a connection string) is required");
        var results = StringOption(args, "--results");
        var tz = StringOption(args, "--tz") ?? "Asia/Tokyo";
        var clients = IntOption(args, "--clients", 200);
        var holdsPerClient = IntOption(args, "--holds-per-client", 3);
        var contentionSlots = IntOption(args, "--contention-slots", 5);
        var maxWeeks = IntOption(args, "--max-weeks", 12);
        const int warmUpHolds = 10;

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(256, clients + 16),
            AllowAutoRedirect = false,
            UseCookies = false, // every page's cookie travels with that page's token, set by hand
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        };
        var hosts = baseUrls.Select(url => new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) }).ToArray();
        var http = hosts[0];

        // 1. Open slots and antiforgery pairs from the week pages, week after week, until there are enough.
        var slugs = await SpecialistSlugsAsync(open);
        var needed = clients * holdsPerClient + contentionSlots + warmUpHolds;
        var collectWatch = Stopwatch.StartNew();
        var (slots, pages) = await CollectAsync(http, slugs, tz, needed, maxWeeks);
        collectWatch.Stop();
        Console.WriteLine($"collected {slots.Count:N0} distinct open slots from {pages} week pages of {slugs.Count} specialists ({string.Join(", ", slugs)}) in {collectWatch.Elapsed.TotalSeconds:F1} s");
        if (slots.Count < clients + contentionSlots + warmUpHolds)
        {
            Console.Error.WriteLine($"not enough open slots: need at least {clients + contentionSlots + warmUpHolds}, found {slots.Count}");
            return 2;
        }
        if (slots.Count < needed)
        {
            holdsPerClient = (slots.Count - contentionSlots - warmUpHolds) / clients;
            Console.WriteLine($"only {slots.Count} open slots: {holdsPerClient} hold(s) per client instead");
        }

        var rng = new Random(20261124);
        var shuffled = slots.OrderBy(_ => rng.Next()).ToList();
        var warmUp = shuffled.Take(warmUpHolds).ToList();
        var contested = shuffled.Skip(warmUpHolds).Take(contentionSlots).ToList();
        var distinct = shuffled.Skip(warmUpHolds + contentionSlots).Take(clients * holdsPerClient).ToList();

        // 2. Warm-up outside the timing: open the connections, JIT and compile the hold path's queries.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            using var response = await hosts[c % hosts.Length].GetAsync("/healthz");
            CountServerError((int)response.StatusCode);
        })));
        var warmWins = 0;
        for (var i = 0; i < warmUp.Count; i++)
            if ((await HoldAsync(hosts[i % hosts.Length], warmUp[i], tz)).Status == 302) warmWins++;

        // 3. Holds over distinct slots: every client holds its own slots one after the other.
        var perClient = Enumerable.Range(0, clients)
            .Select(c => distinct.Skip(c * holdsPerClient).Take(holdsPerClient).ToList()).ToList();
        var (holdSamples, holdWall) = await RunRoundAsync(hosts, perClient, tz, checkTakenNotice: false);
        var held = holdSamples.Count(IsCheckoutRedirect);
        var holdOthers = holdSamples.GroupBy(s => s.Status).Where(g => g.Key != 302).Select(g => $"{g.Count()}×{g.Key}").ToList();
        var holdsPerSecond = held / holdWall.TotalSeconds;
        var holdLatency = Percentiles(holdSamples);
        Console.WriteLine($"holds: {clients} concurrent clients × {holdsPerClient} distinct slots = {holdSamples.Count:N0} requests in {holdWall.TotalSeconds:F3} s" +
                          (hosts.Length > 1 ? $", spread over {hosts.Length} instances" : ""));
        Console.WriteLine($"  held (302 → /checkout/…): {held:N0} = {holdsPerSecond:N0} holds/s{(holdOthers.Count > 0 ? "; other answers: " + string.Join(", ", holdOthers) : "")}");
        Console.WriteLine($"  latency ms: p50 {holdLatency.P50:F1}  p90 {holdLatency.P90:F1}  p99 {holdLatency.P99:F1}  max {holdLatency.Max:F1}");

        // 4. Contention: every client tries every contested slot (in its own order) at the same moment.
        var raceOrders = Enumerable.Range(0, clients)
            .Select(c => { var r = new Random(c); return contested.OrderBy(_ => r.Next()).ToList(); }).ToList();
        var (raceSamples, raceWall) = await RunRoundAsync(hosts, raceOrders, tz, checkTakenNotice: true);
        var raceWins = raceSamples.Count(IsCheckoutRedirect);
        var raceTaken = raceSamples.Count(s => s.Status == 409);
        var raceOthers = raceSamples.Count(s => s.Status is not (302 or 409));
        var raceLatency = Percentiles(raceSamples);
        Console.WriteLine($"contention: {clients} clients racing for the same {contentionSlots} slots = {raceSamples.Count:N0} requests in {raceWall.TotalSeconds:F3} s ({raceSamples.Count / raceWall.TotalSeconds:N0} requests/s)");
        Console.WriteLine($"  won (302): {raceWins} (expected {contentionSlots}), taken (409 with alternatives): {raceTaken:N0}, other: {raceOthers}, 409 without the \"{TakenNotice}\" notice: {_missingNotice}");
        Console.WriteLine($"  latency ms: p50 {raceLatency.P50:F1}  p90 {raceLatency.P90:F1}  p99 {raceLatency.P99:F1}  max {raceLatency.Max:F1}");

        // 5. The database itself: live bookings per slot and overlapping live bookings per specialist.
        var check = await CheckDatabaseAsync(open);
        var expectedLive = warmWins + held + raceWins;
        Console.WriteLine($"database: {check.LiveBookings:N0} live bookings (expected {expectedLive:N0} from the 302s), " +
                          $"slots with > 1 live booking: {check.SlotDoubles}, overlapping live bookings of one specialist: {check.OverlapDoubles}, " +
                          $"held slots without their booking: {check.OrphanHolds}");
        var doubles = check.SlotDoubles + check.OverlapDoubles;
        Console.WriteLine($"double bookings: {doubles}; 5xx responses: {_serverErrors}");

        if (results is not null)
        {
            var inv = CultureInfo.InvariantCulture;
            await File.WriteAllLinesAsync(results,
            [
                $"collected_slots={slots.Count}",
                $"hold_clients={clients}",
                $"holds_per_client={holdsPerClient}",
                $"hold_requests={holdSamples.Count}",
                $"holds_ok={held}",
                $"holds_other={holdSamples.Count - held}",
                string.Create(inv, $"holds_wall_s={holdWall.TotalSeconds:F3}"),
                string.Create(inv, $"holds_per_s={holdsPerSecond:F0}"),
                string.Create(inv, $"holds_p50_ms={holdLatency.P50:F1}"),
                string.Create(inv, $"holds_p90_ms={holdLatency.P90:F1}"),
                string.Create(inv, $"holds_p99_ms={holdLatency.P99:F1}"),
                string.Create(inv, $"holds_max_ms={holdLatency.Max:F1}"),
                $"race_slots={contentionSlots}",
                $"race_requests={raceSamples.Count}",
                $"race_wins={raceWins}",
                $"race_taken={raceTaken}",
                $"race_other={raceOthers}",
                string.Create(inv, $"race_p99_ms={raceLatency.P99:F1}"),
                $"live_bookings={check.LiveBookings}",
                $"expected_live_bookings={expectedLive}",
                $"double_slot={check.SlotDoubles}",
                $"double_overlap={check.OverlapDoubles}",
                $"double_bookings={doubles}",
                $"orphan_holds={check.OrphanHolds}",
                $"errors_5xx={_serverErrors}",
            ]);
        }
        return 0;
    }

    private static int _missingNotice;

    private static bool IsCheckoutRedirect(Sample s) =>
        s.Status == 302 && s.Location is { } l && l.StartsWith("/checkout/", StringComparison.Ordinal);

    private static void CountServerError(int status)
    {
        if (status >= 500) Interlocked.Increment(ref _serverErrors);
    }

    /// <summary>
    /// All clients start together; each posts its holds one after the other, client c to host c mod
    /// the hosts. Wall time is first start to last answer.
    /// </summary>
    private static async Task<(List<Sample> Samples, TimeSpan Wall)> RunRoundAsync(HttpClient[] hosts,
        IReadOnlyList<List<SeenSlot>> perClient, string tz, bool checkTakenNotice)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = perClient.Select((mine, c) => Task.Run(async () =>
        {
            await go.Task;
            var samples = new List<Sample>(mine.Count);
            foreach (var slot in mine) samples.Add(await HoldAsync(hosts[c % hosts.Length], slot, tz, checkTakenNotice));
            return samples;
        })).ToList();
        await Task.Delay(200); // let every client reach the start line
        var started = Stopwatch.GetTimestamp();
        go.SetResult();
        var all = (await Task.WhenAll(tasks)).SelectMany(s => s).ToList();
        return (all, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<Sample> HoldAsync(HttpClient http, SeenSlot slot, string tz, bool checkTakenNotice = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"/specialists/{slot.Slug}?handler=Hold&tz={Uri.EscapeDataString(tz)}");
        request.Headers.Add("Cookie", slot.Pair.CookieHeader);
        request.Content = new FormUrlEncodedContent(
        [
            new(TokenField, slot.Pair.Token),
            new(HoldFormField, slot.Id.ToString()),
        ]);
        var start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var end = Stopwatch.GetTimestamp();
        var status = (int)response.StatusCode;
        CountServerError(status);
        if (checkTakenNotice && status == 409 && !body.Contains(TakenNotice, StringComparison.Ordinal))
            Interlocked.Increment(ref _missingNotice);
        return new Sample(status, start, end, response.Headers.Location?.OriginalString);
    }

    private static async Task<(List<SeenSlot> Slots, int Pages)> CollectAsync(HttpClient http, IReadOnlyList<string> slugs,
        string tz, int needed, int maxWeeks)
    {
        var seen = new Dictionary<Guid, SeenSlot>();
        var pages = 0;
        var today = DateTime.UtcNow.Date;
        for (var week = 0; week < maxWeeks && seen.Count < needed; week++)
        {
            var date = today.AddDays(7 * week).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var fetched = await Task.WhenAll(slugs.Select(async slug =>
            {
                using var response = await http.GetAsync($"/specialists/{slug}?week={date}&tz={Uri.EscapeDataString(tz)}");
                CountServerError((int)response.StatusCode);
                var html = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"GET /specialists/{slug}?week={date} answered {(int)response.StatusCode}");
                return (slug, html, cookies: AntiforgeryCookies(response));
            }));
            foreach (var (slug, html, cookies) in fetched)
            {
                pages++;
                var ids = SlotButton().Matches(html).Select(m => Guid.Parse(m.Groups["id"].Value)).ToList();
                if (ids.Count == 0) continue;
                var input = TokenInput().Match(html);
                var token = input.Success ? ValueAttribute().Match(input.Value) : Match.Empty;
                if (!token.Success || cookies.Length == 0)
                    throw new InvalidOperationException($"/specialists/{slug}?week={date} has slots but no antiforgery token/cookie");
                var pair = new AntiforgeryPair(cookies, WebUtility.HtmlDecode(token.Groups["v"].Value));
                foreach (var id in ids) seen.TryAdd(id, new SeenSlot(id, slug, pair));
            }
        }
        return (seen.Values.ToList(), pages);
    }

    private static string AntiforgeryCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? string.Join("; ", values.Select(v => v.Split(';', 2)[0]).Where(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)))
            : "";

    private sealed record DatabaseCheck(long LiveBookings, long SlotDoubles, long OverlapDoubles, long OrphanHolds);

    private static async Task<List<string>> SpecialistSlugsAsync(Func<DbConnection> open)
    {
        await using var connection = open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Slug\" FROM \"Specialists\" ORDER BY \"Slug\"";
        var slugs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) slugs.Add(reader.GetString(0));
        return slugs;
    }

    private static async Task<DatabaseCheck> CheckDatabaseAsync(Func<DbConnection> open)
    {
        const string live = "(0, 1)"; // BookingStatus.Pending, BookingStatus.Confirmed
        await using var connection = open();
        await connection.OpenAsync();
        return new DatabaseCheck(
            await ScalarAsync(connection, $"SELECT COUNT(*) FROM \"Bookings\" WHERE \"Status\" IN {live}"),
            await ScalarAsync(connection, $"""
                SELECT COUNT(*) FROM (SELECT "SlotId" FROM "Bookings" WHERE "Status" IN {live}
                                      GROUP BY "SlotId" HAVING COUNT(*) > 1) AS doubled
                """),
            await ScalarAsync(connection, $"""
                SELECT COUNT(*) FROM "Bookings" a JOIN "Bookings" b
                  ON a."SpecialistId" = b."SpecialistId" AND a."Id" < b."Id"
                 AND a."Start" < b."End" AND b."Start" < a."End"
                WHERE a."Status" IN {live} AND b."Status" IN {live}
                """),
            // A slot marked held for a booking id that is not a live booking on that slot.
            await ScalarAsync(connection, $"""
                SELECT COUNT(*) FROM "Slots" s WHERE s."State" <> 0 AND s."BookingId" IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM "Bookings" b WHERE b."Id" = s."BookingId" AND b."SlotId" = s."Id" AND b."Status" IN {live})
                """));
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private sealed record Latency(double P50, double P90, double P99, double Max);

    private static Latency Percentiles(IReadOnlyList<Sample> samples)
    {
        if (samples.Count == 0) return new Latency(0, 0, 0, 0);
        var sorted = samples.Select(s => s.Milliseconds).Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Latency(At(0.50), At(0.90), At(0.99), sorted[^1]);
    }

    private static string? StringOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
    }
}

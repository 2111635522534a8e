#!/usr/bin/env bash
# Booking load on a Release build of the app, started on 127.0.0.1 with a fresh database and the
# demo data in a temp folder (servers and clusters are always stopped at exit). Each round:
#   1. wrk on a static file, on /healthz (the machine's ceiling) and on a specialist's public week
#      page;
#   2. bench/BookingLoad: 200 concurrent clients holding distinct slots (holds/s, latency), then a
#      contention round where every client races for the same few slots; afterwards it counts
#      double bookings directly in the database and the 5xx answers.
# The first round runs on SQLite. With --postgres a second round runs on PostgreSQL (a throwaway
# cluster of Debian's postgresql, installed when missing; see .ci/postgres.sh), with --instances N
# app instances on its one database, the load spread evenly over them; the summary puts both side by side.
# Targets: week page ≥ 4,000 req/s with p99 < 30 ms; holds ≥ 1,000/s; double bookings = 0.
# Options: --duration 10s, --warmup 2s, --threads 2, --connections 64 (wrk); --clients 200,
# --holds-per-client 3, --contention-slots 5 (holds); --slug maya-thompson, --tz Asia/Tokyo (the
# week page wrk measures); --postgres, --instances 1; --keep (keep the temp folder); --strict (exit 1
# when a target is missed). A double booking, a 5xx answer or a failed wrk request always exits 1.
# Installs Debian's wrk with apt-get (through sudo when not root) when it is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
source "$repo/.ci/postgres.sh"

duration=10s warmup=2s threads=2 connections=64
clients=200 holds_per_client=3 contention_slots=5
slug=maya-thompson tz=Asia/Tokyo strict=0 keep=0 postgres=0 instances=1
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --holds-per-client) holds_per_client="$2"; shift 2 ;;
        --contention-slots) contention_slots="$2"; shift 2 ;;
        --slug) slug="$2"; shift 2 ;;
        --tz) tz="$2"; shift 2 ;;
        --postgres) postgres=1; shift ;;
        --instances) instances="$2"; shift 2 ;;
        --strict) strict=1; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ "$instances" -gt 1 ] && [ "$postgres" = 0 ]; then
    echo "--instances needs --postgres: several instances share a PostgreSQL database" >&2; exit 2
fi

if ! command -v wrk >/dev/null 2>&1; then
    echo "== installing wrk (Debian package)"
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || {
        $sudo apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    }
fi

tmp="$(mktemp -d -t booking-load.XXXXXX)"
server_pids=()
stop_servers() {
    local pid
    for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${server_pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    server_pids=()
}
cleanup() {
    stop_servers
    pg_cluster_stop
    if [ "$keep" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building (Release)"
dotnet publish "$repo/Consulting.Web/Consulting.Web.csproj" -c Release -o "$tmp/app" -nologo -v quiet
dotnet build "$here/BookingLoad/BookingLoad.csproj" -c Release -nologo -v quiet
load_dll="$here/BookingLoad/bin/Release/net10.0/BookingLoad.dll"

if [ "$postgres" = 1 ]; then
    echo "== starting a throwaway PostgreSQL cluster"
    # synchronous_commit=off: a commit doesn't wait for its WAL to reach the disk, the same promise
    # as the SQLite side's WAL with synchronous=NORMAL (a crash loses the last moments, never consistency).
    pg_cluster_start -c synchronous_commit=off -c max_connections=300
    echo "   PostgreSQL on 127.0.0.1:$PG_PORT"
fi

round="" log="" bases=()
fail_start() {
    echo "$1" >&2
    local l
    for l in "$tmp"/"$round"-server*.log; do
        echo "--- $l (last 40 lines) ---" >&2
        tail -n 40 "$l" >&2 || true
    done
    exit 1
}
wait_for() { # seconds, description, command...
    local seconds="$1" what="$2"; shift 2
    local deadline=$((SECONDS + seconds)) pid
    until "$@"; do
        for pid in "${server_pids[@]}"; do kill -0 "$pid" 2>/dev/null || fail_start "an app instance exited while waiting for $what"; done
        [ "$SECONDS" -lt "$deadline" ] || fail_start "gave up after ${seconds}s waiting for $what"
        sleep 0.25
    done
}
# User + system CPU the app instances have used so far (clock ticks): CPU per request holds up better
# than requests/s when other work shares the machine.
server_cpu_ticks() {
    local pid total=0
    for pid in "${server_pids[@]}"; do total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
    echo "$total"
}
all_healthy() {
    local b
    for b in "${bases[@]}"; do curl -fsS -o /dev/null "$b/healthz" 2>/dev/null || return 1; done
}
next_week="$(date -u -d '+7 days' +%F)"
# This week may have no open time left (late on a Friday); next week always has some.
has_slots() {
    local w
    for w in "" "&week=$next_week"; do
        curl -fsS "${bases[0]}/specialists/maya-thompson?tz=UTC$w" 2>/dev/null | grep -q 'class="slot-button"' && return 0
    done
    return 1
}

# Milliseconds from one of wrk's latency figures (e.g. 812.00us, 5.23ms, 1.02s, 1.10m).
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
        else { sub(/s$/, "", v); printf "%.2f", v * 1000 } }'
}
wrk_errors=0
# name path → sets <round>_<name>_rps, _p99 (ms), _cpu (app ms/request). With several instances, one
# wrk per instance runs at once with its share of the connections: requests/s add up, p99 is the worst.
measure() {
    local name="$1" path="$2" n=${#bases[@]} i
    local c=$(( connections / n > 0 ? connections / n : 1 )) t=$(( threads / n > 0 ? threads / n : 1 ))
    local pids=()
    for i in "${!bases[@]}"; do wrk -t"$t" -c"$c" -d"$warmup" "${bases[$i]}$path" >/dev/null & pids+=($!); done
    wait "${pids[@]}"
    local cpu0 cpu1
    cpu0="$(server_cpu_ticks)"
    pids=()
    for i in "${!bases[@]}"; do wrk -t"$t" -c"$c" -d"$duration" --latency "${bases[$i]}$path" >"$tmp/$round-wrk-$name-$i.txt" & pids+=($!); done
    wait "${pids[@]}"
    cpu1="$(server_cpu_ticks)"
    local rps=0 requests=0 p50=0 p99=0 non2xx=0 sockerr="" out
    for out in "$tmp/$round-wrk-$name-"*.txt; do
        rps="$(awk -v a="$rps" '/^Requests\/sec:/ { a += $2 } END { printf "%.0f", a }' "$out")"
        requests=$((requests + $(awk '/requests in/ { print $1 }' "$out")))
        p50="$(awk -v a="$p50" -v b="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")" 'BEGIN { print (b > a ? b : a) }')"
        p99="$(awk -v a="$p99" -v b="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")" 'BEGIN { print (b > a ? b : a) }')"
        non2xx=$((non2xx + $(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out" | grep . || echo 0)))
        sockerr="$sockerr$(grep -o 'Socket errors:.*' "$out" || true)"
    done
    local cpu_ms
    cpu_ms="$(awk -v c=$((cpu1 - cpu0)) -v t="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.3f", (n > 0 ? 1000 * c / t / n : 0) }')"
    printf '   %-8s %8s req/s   p50 %7s ms   p99 %7s ms   app CPU %6s ms/request%s%s\n' "$name" "$rps" "$p50" "$p99" "$cpu_ms" \
        "$([ "$non2xx" -gt 0 ] && echo "   non-2xx/3xx: $non2xx")" "${sockerr:+   $sockerr}"
    wrk_errors=$((wrk_errors + non2xx))
    printf -v "${round}_${name}_rps" '%s' "$rps"
    printf -v "${round}_${name}_p99" '%s' "$p99"
    printf -v "${round}_${name}_cpu" '%s' "$cpu_ms"
}

# CPU the rest of the machine uses (all cores' busy time less the app's own): other work skews every
# figure below.
cpu_busy_elsewhere() {
    local a b s0 s1
    read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ </proc/stat; s0="$(server_cpu_ticks)"; sleep 2
    read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ </proc/stat; s1="$(server_cpu_ticks)"
    a=$((a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8)); b=$((b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8))
    local busy=$(( (b - a) - (b4 - a4) - (b5 - a5) - (s1 - s0) ))
    echo $(( (b - a) > 0 && busy > 0 ? 100 * busy / (b - a) : 0 ))
}

# round (sqlite|postgres), instances: starts the instances on a fresh database, measures, stops them.
run_round() {
    round="$1"
    local count="$2" i port db_args=() load_db=()
    if [ "$round" = sqlite ]; then
        db_args=(ConnectionStrings__Default="Data Source=$tmp/bench.db")
        load_db=(--db "$tmp/bench.db")
    else
        local cs="$PG_SERVER;Database=consulting_bench"
        db_args=(Database__Provider=Postgres ConnectionStrings__Default="$cs")
        load_db=(--postgres "$cs")
    fi
    bases=()
    mkdir -p "$tmp/mail"
    # All instances start at once on the empty database: start-up's migrations and demo data are
    # done by one of them while the others wait (a lock in the database).
    for i in $(seq "$count"); do
        port="$(pg_free_port)"
        bases+=("http://127.0.0.1:$port")
        (
            cd "$tmp/app"
            # The URL goes in the environment: "--seed --urls X" would read as seed=--urls to the configuration.
            # A public App:BaseUrl: Production refuses a local one (links in emails); nothing here follows links.
            exec env ASPNETCORE_ENVIRONMENT=Production "${db_args[@]}" \
                App__DataDirectory="$tmp" \
                App__BaseUrl=https://bench.consulting.example \
                Email__PickupDirectory="$tmp/mail" \
                Logging__LogLevel__Default=Warning \
                RateLimits__HoldsPerMinute=1000000 \
                RateLimits__SignInPerMinute=1000000 \
                ASPNETCORE_URLS="http://127.0.0.1:$port" \
                dotnet Consulting.Web.dll --seed
        ) >"$tmp/$round-server$i.log" 2>&1 &
        server_pids+=($!)
    done
    echo "== $round: $count instance(s) on ${bases[*]} (Production, fresh database, demo data)"
    wait_for 90 "/healthz" all_healthy
    wait_for 90 "the demo slots (slot generation at start-up)" has_slots

    local week_path="" candidate code slots_on_page
    for candidate in "/specialists/$slug?tz=$tz" "/specialists/$slug?week=$next_week&tz=$tz"; do
        code="$(curl -sS -o "$tmp/week.html" -w '%{http_code}' "${bases[0]}$candidate")"
        slots_on_page="$(grep -o 'class="slot-button"' "$tmp/week.html" | wc -l)"
        echo "   $candidate: $code, $slots_on_page open slots, $(wc -c <"$tmp/week.html") bytes"
        if [ "$code" = 200 ] && [ "$slots_on_page" -gt 0 ]; then week_path="$candidate"; break; fi
    done
    [ -n "$week_path" ] || fail_start "no week page of $slug answered 200 with open slots"

    local busy
    busy="$(cpu_busy_elsewhere)"
    printf -v "${round}_busy" '%s' "$busy"
    echo "   CPU used by other processes before measuring: ${busy}% of $(nproc) cores"
    [ "$busy" -lt 20 ] || echo "   WARNING: other processes are using the CPUs; the figures below will be low"

    echo "== $round: wrk -t$threads -c$connections -d$duration --latency (after a $warmup warm-up each)"
    measure static /favicon.svg
    measure healthz /healthz
    measure week "$week_path"

    echo "== $round: holds (bench/BookingLoad: $clients concurrent clients)"
    local base_list
    base_list="$(IFS=,; echo "${bases[*]}")"
    dotnet "$load_dll" --base-url "$base_list" "${load_db[@]}" --results "$tmp/$round-holds.txt" --tz "$tz" \
        --clients "$clients" --holds-per-client "$holds_per_client" --contention-slots "$contention_slots" \
        | sed 's/^/   /'
    local key
    for key in holds_per_s holds_p99_ms double_bookings errors_5xx race_wins live_bookings expected_live_bookings; do
        printf -v "${round}_${key}" '%s' "$(awk -F= -v k="$key" '$1 == k { print $2 }' "$tmp/$round-holds.txt")"
    done
    # Error logs, less the health checks cancelled when wrk closes its connections at the end of a run.
    printf -v "${round}_server_errors" '%s' \
        "$(cat "$tmp/$round"-server*.log | grep -E '"LogLevel":"(Error|Critical)"' | grep -cv 'OperationCanceledException' || true)"
    stop_servers
}

run_round sqlite 1
[ "$postgres" = 1 ] && run_round postgres "$instances"

met() { if [ "$1" = 1 ]; then echo "met"; else echo "NOT met"; fi; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }' && echo 1 || echo 0; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }' && echo 1 || echo 0; }
v() { local n="$1_$2"; echo "${!n:-}"; }
rounds=(sqlite); [ "$postgres" = 1 ] && rounds+=(postgres)
ok=1 targets=1
echo "== summary ($(nproc) cores shared by the app, the database and the load generators)"
printf '%-40s' ""; for r in "${rounds[@]}"; do
    if [ "$r" = sqlite ]; then printf '%-46s' "SQLite, 1 instance"; else printf '%-46s' "PostgreSQL, $instances instance(s)"; fi
done; echo
row() { # label, then a function printing the cell of a round
    local label="$1" fn="$2" r
    printf '%-40s' "$label"; for r in "${rounds[@]}"; do printf '%-46s' "$("$fn" "$r")"; done; echo
}
# Each round's verdicts, decided here (the cells below print in subshells).
judge() {
    local r="$1" good
    good=$(( $(ge "$(v "$r" week_rps)" 4000) & $(lt "$(v "$r" week_p99)" 30) )); printf -v "${r}_week_ok" '%s' "$good"; [ "$good" = 1 ] || targets=0
    good="$(ge "$(v "$r" holds_per_s)" 1000)"; printf -v "${r}_holds_ok" '%s' "$good"; [ "$good" = 1 ] || targets=0
    good="$([ "$(v "$r" double_bookings)" = 0 ] && echo 1 || echo 0)"; printf -v "${r}_doubles_ok" '%s' "$good"; [ "$good" = 1 ] || ok=0
    good="$([ "$(v "$r" errors_5xx)" = 0 ] && echo 1 || echo 0)"; printf -v "${r}_errors_ok" '%s' "$good"; [ "$good" = 1 ] || ok=0
    good="$([ "$(v "$r" race_wins)" = "$contention_slots" ] && [ "$(v "$r" live_bookings)" = "$(v "$r" expected_live_bookings)" ] && echo 1 || echo 0)"
    printf -v "${r}_race_ok" '%s' "$good"; [ "$good" = 1 ] || ok=0
}
for r in "${rounds[@]}"; do judge "$r"; done
cell_busy() { echo "$(v "$1" busy)% of the CPUs busy elsewhere"; }
cell_static() { echo "$(v "$1" static_rps) req/s, p99 $(v "$1" static_p99) ms"; }
cell_healthz() { echo "$(v "$1" healthz_rps) req/s, p99 $(v "$1" healthz_p99) ms"; }
cell_week() { echo "$(v "$1" week_rps) req/s, p99 $(v "$1" week_p99) ms: $(met "$(v "$1" week_ok)")"; }
cell_week_cpu() { echo "$(v "$1" week_cpu) ms of app CPU a request"; }
cell_holds() { echo "$(v "$1" holds_per_s) holds/s, p99 $(v "$1" holds_p99_ms) ms: $(met "$(v "$1" holds_ok)")"; }
cell_doubles() { echo "$(v "$1" double_bookings): $(met "$(v "$1" doubles_ok)")"; }
cell_errors() { echo "$(v "$1" errors_5xx) 5xx, $(v "$1" server_errors) error logs: $(met "$(v "$1" errors_ok)")"; }
cell_race() {
    echo "$(v "$1" race_wins) of $contention_slots won; $(v "$1" live_bookings) live for $(v "$1" expected_live_bookings): $(met "$(v "$1" race_ok)")"
}
row "machine" cell_busy
row "static file" cell_static
row "healthz (ceiling)" cell_healthz
row "week page >= 4,000 req/s, p99 < 30 ms" cell_week
row "" cell_week_cpu
row "holds >= 1,000/s" cell_holds
row "double bookings = 0" cell_doubles
row "5xx = 0 ($wrk_errors non-2xx from wrk)" cell_errors
row "one winner per contested slot" cell_race

if [ "$ok" != 1 ] || [ "$wrk_errors" != 0 ]; then exit 1; fi
if [ "$strict" = 1 ] && [ "$targets" != 1 ]; then exit 1; fi
exit 0

#!/usr/bin/env bash
# Booking load on a Release build of the app, started on 127.0.0.1 with a fresh SQLite file and the
# demo data in a temp folder (the server is always stopped at exit):
#   1. wrk on a static file, on /healthz (the machine's ceiling) and on a specialist's public week
#      page;
#   2. bench/BookingLoad: 200 concurrent clients holding distinct slots (holds/s, latency), then a
#      contention round where every client races for the same few slots; afterwards it counts
#      double bookings directly in the SQLite file and the 5xx answers.
# Targets: week page ≥ 4,000 req/s with p99 < 30 ms; holds ≥ 1,000/s; double bookings = 0.
# Options: --duration 10s, --warmup 2s, --threads 2, --connections 64 (wrk); --clients 200,
# --holds-per-client 3, --contention-slots 5 (holds); --slug maya-thompson, --tz Asia/Tokyo (the
# week page wrk measures); --keep (keep the temp folder); --strict (exit 1 when a target is missed).
# A double booking, a 5xx answer or a failed wrk request always exits 1.
# Installs Debian's wrk with apt-get (through sudo when not root) when it is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

duration=10s warmup=2s threads=2 connections=64
clients=200 holds_per_client=3 contention_slots=5
slug=maya-thompson tz=Asia/Tokyo strict=0 keep=0
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
        --strict) strict=1; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

if ! command -v wrk >/dev/null 2>&1; then
    echo "== installing wrk (Debian package)"
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || {
        $sudo apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    }
fi

tmp="$(mktemp -d -t booking-load.XXXXXX)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$keep" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building (Release)"
dotnet publish "$repo/Consulting.Web/Consulting.Web.csproj" -c Release -o "$tmp/app" -nologo -v quiet
dotnet build "$here/BookingLoad/BookingLoad.csproj" -c Release -nologo -v quiet
load_dll="$here/BookingLoad/bin/Release/net10.0/BookingLoad.dll"

free_port() {
    local py
    for py in /usr/bin/python3 python3; do
        if command -v "$py" >/dev/null 2>&1; then
            "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' && return
        fi
    done
    local p
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    return 1
}
port="$(free_port)"
base="http://127.0.0.1:$port"
mkdir -p "$tmp/mail"

echo "== starting the app on $base (Production, fresh database, demo data)"
(
    cd "$tmp/app"
    # The URL goes in the environment: "--seed --urls X" would read as seed=--urls to the configuration.
    # A public App:BaseUrl: Production refuses a local one (links in emails); nothing here follows links.
    exec env ASPNETCORE_ENVIRONMENT=Production \
        ConnectionStrings__Default="Data Source=$tmp/bench.db" \
        App__DataDirectory="$tmp" \
        App__BaseUrl=https://bench.consulting.example \
        Email__PickupDirectory="$tmp/mail" \
        Logging__LogLevel__Default=Warning \
        RateLimits__HoldsPerMinute=1000000 \
        RateLimits__SignInPerMinute=1000000 \
        ASPNETCORE_URLS="$base" \
        dotnet Consulting.Web.dll --seed
) >"$tmp/server.log" 2>&1 &
server_pid=$!

fail_start() {
    echo "$1" >&2
    echo "--- server log (last 40 lines) ---" >&2
    tail -n 40 "$tmp/server.log" >&2 || true
    exit 1
}
wait_for() { # seconds, description, command...
    local seconds="$1" what="$2"; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        kill -0 "$server_pid" 2>/dev/null || fail_start "the app exited while waiting for $what"
        [ "$SECONDS" -lt "$deadline" ] || fail_start "gave up after ${seconds}s waiting for $what"
        sleep 0.25
    done
}
# User + system CPU the app has used so far (clock ticks): CPU per request holds up better than
# requests/s when other work shares the machine.
server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
healthy() { curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; }
next_week="$(date -u -d '+7 days' +%F)"
# This week may have no open time left (late on a Friday); next week always has some.
has_slots() {
    local w
    for w in "" "&week=$next_week"; do
        curl -fsS "$base/specialists/maya-thompson?tz=UTC$w" 2>/dev/null | grep -q 'class="slot-button"' && return 0
    done
    return 1
}
wait_for 60 "/healthz" healthy
wait_for 90 "the demo slots (slot generation at start-up)" has_slots

week_path=""
for candidate in "/specialists/$slug?tz=$tz" "/specialists/$slug?week=$next_week&tz=$tz"; do
    code="$(curl -sS -o "$tmp/week.html" -w '%{http_code}' "$base$candidate")"
    slots_on_page="$(grep -o 'class="slot-button"' "$tmp/week.html" | wc -l)"
    echo "   $candidate: $code, $slots_on_page open slots, $(wc -c <"$tmp/week.html") bytes"
    if [ "$code" = 200 ] && [ "$slots_on_page" -gt 0 ]; then week_path="$candidate"; break; fi
done
[ -n "$week_path" ] || fail_start "no week page of $slug answered 200 with open slots"

# Milliseconds from one of wrk's latency figures (e.g. 812.00us, 5.23ms, 1.02s, 1.10m).
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.2f", v * 60000 }
        else { sub(/s$/, "", v); printf "%.2f", v * 1000 } }'
}
wrk_errors=0
measure() { # name path → sets <name>_rps, <name>_p99 (ms)
    local name="$1" path="$2" out="$tmp/wrk-$1.txt"
    wrk -t"$threads" -c"$connections" -d"$warmup" "$base$path" >/dev/null
    local cpu0 cpu1
    cpu0="$(server_cpu_ticks)"
    wrk -t"$threads" -c"$connections" -d"$duration" --latency "$base$path" >"$out"
    cpu1="$(server_cpu_ticks)"
    local rps p99 non2xx sockerr requests cpu_ms
    rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")"
    requests="$(awk '/requests in/ { print $1 }' "$out")"
    cpu_ms="$(awk -v c=$((cpu1 - cpu0)) -v t="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.3f", (n > 0 ? 1000 * c / t / n : 0) }')"
    p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")"
    sockerr="$(grep -o 'Socket errors:.*' "$out" || true)"
    printf '   %-8s %8s req/s   p50 %7s ms   p99 %7s ms   app CPU %6s ms/request%s%s\n' "$name" "$rps" \
        "$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")" "$p99" "$cpu_ms" \
        "${non2xx:+   non-2xx/3xx: $non2xx}" "${sockerr:+   $sockerr}"
    [ -z "$non2xx" ] || wrk_errors=$((wrk_errors + non2xx))
    printf -v "${name}_rps" '%s' "$rps"
    printf -v "${name}_p99" '%s' "$p99"
    printf -v "${name}_cpu" '%s' "$cpu_ms"
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
busy_before="$(cpu_busy_elsewhere)"
echo "   CPU used by other processes before measuring: ${busy_before}% of $(nproc) cores"
[ "$busy_before" -lt 20 ] || echo "   WARNING: other processes are using the CPUs; the figures below will be low"

echo "== wrk -t$threads -c$connections -d$duration --latency (after a $warmup warm-up each)"
measure static /favicon.svg
measure healthz /healthz
measure week "$week_path"
ratio="$(awk -v w="$week_rps" -v h="$healthz_rps" 'BEGIN { printf "%.2f", (h > 0 ? w / h : 0) }')"
echo "   week page / healthz: $ratio (static file: the pipeline without the database or Razor)"

echo "== holds (bench/BookingLoad: $clients concurrent clients)"
dotnet "$load_dll" --base-url "$base" --db "$tmp/bench.db" --results "$tmp/holds.txt" --tz "$tz" \
    --clients "$clients" --holds-per-client "$holds_per_client" --contention-slots "$contention_slots" \
    | sed 's/^/   /'
result() { awk -F= -v k="$1" '$1 == k { print $2 }' "$tmp/holds.txt"; }
holds_per_s="$(result holds_per_s)"
holds_p99="$(result holds_p99_ms)"
doubles="$(result double_bookings)"
errors_5xx="$(result errors_5xx)"
race_wins="$(result race_wins)"
live="$(result live_bookings)"
expected_live="$(result expected_live_bookings)"
# Error logs, less the health checks cancelled when wrk closes its connections at the end of a run.
server_errors="$(grep -E '"LogLevel":"(Error|Critical)"' "$tmp/server.log" | grep -cv 'OperationCanceledException' || true)"

met() { if [ "$1" = 1 ]; then echo "met"; else echo "NOT met"; fi; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }' && echo 1 || echo 0; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }' && echo 1 || echo 0; }
week_ok="$(( $(ge "$week_rps" 4000) & $(lt "$week_p99" 30) ))"
holds_ok="$(ge "$holds_per_s" 1000)"
doubles_ok="$([ "$doubles" = 0 ] && echo 1 || echo 0)"
errors_ok="$([ "$errors_5xx" = 0 ] && [ "$wrk_errors" = 0 ] && echo 1 || echo 0)"
consistent_ok="$([ "$race_wins" = "$contention_slots" ] && [ "$live" = "$expected_live" ] && echo 1 || echo 0)"

echo "== summary ($(nproc) cores shared by the app and the load generators; other processes used ${busy_before}% before measuring)"
printf '%-38s %s\n' "static file" "$static_rps req/s, p99 $static_p99 ms, app CPU $static_cpu ms/request"
printf '%-38s %s\n' "healthz (ceiling)" "$healthz_rps req/s, p99 $healthz_p99 ms, app CPU $healthz_cpu ms/request"
printf '%-38s %s\n' "week page >= 4,000 req/s, p99 < 30 ms" "$week_rps req/s, p99 $week_p99 ms ($ratio of healthz), app CPU $week_cpu ms/request: $(met "$week_ok")"
printf '%-38s %s\n' "holds >= 1,000/s" "$holds_per_s holds/s, p99 $holds_p99 ms: $(met "$holds_ok")"
printf '%-38s %s\n' "double bookings = 0" "$doubles: $(met "$doubles_ok")"
printf '%-38s %s\n' "5xx / failed requests = 0" "$errors_5xx from holds, $wrk_errors non-2xx from wrk, $server_errors error logs: $(met "$errors_ok")"
printf '%-38s %s\n' "one winner per contested slot" "$race_wins of $contention_slots won; $live live bookings for $expected_live 302s: $(met "$consistent_ok")"

if [ "$doubles_ok" != 1 ] || [ "$errors_ok" != 1 ] || [ "$consistent_ok" != 1 ]; then exit 1; fi
if [ "$strict" = 1 ] && { [ "$week_ok" != 1 ] || [ "$holds_ok" != 1 ]; }; then exit 1; fi
exit 0

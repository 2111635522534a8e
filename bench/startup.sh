#!/usr/bin/env bash
# Start-up to the first answer, the app beside a bare `dotnet new webapp`, both published in Release
# and started the same way: `dotnet /path/App.dll` from another working directory, in Production,
# on 127.0.0.1. The clock runs from the process start to the first 200 of /healthz (ours) or /
# (the template's, which has no /healthz). Runs alternate between the two apps so both see the same
# machine; the medians are printed with their ratio.
#   restart:   our app on a database that is already migrated (the usual start of a deployed app);
#   first run: our app on a new, empty database (the migrations are applied before the first answer).
# The app's own log gives its phases (host built, database ready, listening) for the cost breakdown.
# Options: --runs 7; --keep (keep the temp folder); --strict (exit 1 when the restart ratio is over
# --target, default 1.5).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

runs=7 strict=0 keep=0 target=1.5
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --target) target="$2"; shift 2 ;;
        --strict) strict=1; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

tmp="$(mktemp -d -t startup-bench.XXXXXX)"
cleanup() { if [ "$keep" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== publishing (Release) the app and a bare 'dotnet new webapp'"
dotnet publish "$repo/Consulting.Web/Consulting.Web.csproj" -c Release -o "$tmp/app" -nologo -v quiet
dotnet new webapp -o "$tmp/bare-src" -n Bare --no-https >/dev/null
dotnet publish "$tmp/bare-src/Bare.csproj" -c Release -o "$tmp/bare" -nologo -v quiet
mkdir -p "$tmp/elsewhere"

# One timed start: spawn, poll every 5 ms until the first path answers 200, then the next (paths
# comma-separated), stop the process (SIGTERM). Prints the milliseconds of each, comma-separated;
# the process's log goes to $log.
cat >"$tmp/probe.py" <<'PY'
import http.client, os, signal, socket, subprocess, sys, time
dll, paths, log, cwd = sys.argv[1:5]
extra = dict(kv.split("=", 1) for kv in sys.argv[5:])
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
env = dict(os.environ, ASPNETCORE_URLS=f"http://127.0.0.1:{port}", ASPNETCORE_ENVIRONMENT="Production", **extra)
with open(log, "wb") as out:
    t0 = time.monotonic()
    p = subprocess.Popen(["dotnet", dll], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        times = []
        for path in paths.split(","):
            while True:
                if p.poll() is not None:
                    sys.exit(f"exited with {p.returncode} before answering; see {log}")
                if time.monotonic() - t0 > 120:
                    sys.exit(f"no answer after 120 s; see {log}")
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    c.request("GET", path)
                    status = c.getresponse().status
                    if status == 200:
                        times.append(str(round((time.monotonic() - t0) * 1000)))
                        break
                except OSError:
                    pass
                time.sleep(0.005)
        print(",".join(times))
    finally:
        p.send_signal(signal.SIGTERM)
        try: p.wait(15)
        except subprocess.TimeoutExpired: p.kill(); p.wait()
PY

probe() { /usr/bin/python3 "$tmp/probe.py" "$@"; }
data="$tmp/data"
ours() { # restart|first → ms to /healthz,ms to the home page
    [ "$1" = first ] && rm -rf "$data"
    mkdir -p "$data"
    probe "$tmp/app/Consulting.Web.dll" /healthz,/ "$tmp/app.log" "$tmp/elsewhere" \
        "ConnectionStrings__Default=Data Source=$data/app.db" "App__DataDirectory=$data" \
        "Email__PickupDirectory=$data/mail" "App__BaseUrl=https://consulting.example" \
        "Logging__LogLevel__Default=Warning" "Logging__LogLevel__Consulting.Web.Hosting.StartupTimer=Information"
}
bare() { probe "$tmp/bare/Bare.dll" / "$tmp/bare.log" "$tmp/elsewhere" "Logging__LogLevel__Default=Warning"; }

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

echo "== warming the disk cache (one start of each, not counted)"
ours first >/dev/null; bare >/dev/null
: >"$tmp/bare.ms"; : >"$tmp/restart.ms"; : >"$tmp/restart-home.ms"; : >"$tmp/first.ms"; : >"$tmp/phases.txt"
echo "== $runs rounds: bare webapp, our app restarting, our app on a new database"
echo "   (ours: ms to the first 200 of /healthz, then of the home page)"
for i in $(seq "$runs"); do
    b="$(bare)"; r="$(ours restart)"
    grep -o '"Message":"Start-up: [^"]*"' "$tmp/app.log" | sed 's/"Message":"Start-up: //; s/"$//' >>"$tmp/phases.txt" || true
    f="$(ours first)"
    printf '   round %2d: bare %5s ms   restart %11s ms   first run %11s ms\n' "$i" "$b" "$r" "$f"
    echo "$b" >>"$tmp/bare.ms"; echo "${r%%,*}" >>"$tmp/restart.ms"; echo "${r##*,}" >>"$tmp/restart-home.ms"
    echo "${f%%,*}" >>"$tmp/first.ms"
done

bare_ms="$(median <"$tmp/bare.ms")"; restart_ms="$(median <"$tmp/restart.ms")"
home_ms="$(median <"$tmp/restart-home.ms")"; first_ms="$(median <"$tmp/first.ms")"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "== medians of $runs (process start to the first 200)"
printf '   bare dotnet new webapp, GET /:           %5s ms\n' "$bare_ms"
printf '   our app, restart, GET /healthz:          %5s ms   ratio %s\n' "$restart_ms" "$(ratio "$restart_ms" "$bare_ms")"
printf '   our app, restart, then GET / (home):     %5s ms   ratio %s\n' "$home_ms" "$(ratio "$home_ms" "$bare_ms")"
printf '   our app, new database, GET /healthz:     %5s ms   ratio %s\n' "$first_ms" "$(ratio "$first_ms" "$bare_ms")"
if [ -s "$tmp/phases.txt" ]; then
    echo "== our app's phases on restart (its own log, ms since the process started; each round)"
    sed 's/^/   /' "$tmp/phases.txt"
fi
if awk -v r="$(ratio "$restart_ms" "$bare_ms")" -v t="$target" 'BEGIN { exit !(r > t) }'; then
    echo "   restart ratio is over the target of $target"
    [ "$strict" = 0 ] || exit 1
fi

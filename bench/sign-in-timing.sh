#!/usr/bin/env bash
# Sign-in timing: the median time of a sign-in post for an email without an account and for a demo
# account with a wrong password, against a Release build on a fresh SQLite file. Both should hash
# the password once (Accounts/SignInThrottle.cs), so the two medians should be about equal; before
# that change an unknown email answered in ~6 ms and a wrong password in ~130 ms.
# Each attempt claims its own client address (X-Forwarded-For, loopback trusted as the proxy), so the
# per-address limits don't turn later attempts into fast refusals. Options: --rounds 40.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
rounds=40
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

tmp="$(mktemp -d -t sign-in-bench.XXXXXX)"
app_pid=""
cleanup() { if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building (Release)"
dotnet build "$repo/Consulting.Web/Consulting.Web.csproj" -c Release -nologo -v quiet >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ConnectionStrings__Default="Data Source=$tmp/app.db" App__DataDirectory="$tmp" App__BaseUrl="http://127.0.0.1:$port" \
    ForwardedHeaders__KnownProxies=127.0.0.1 RateLimits__SignInPerMinute=1000000 Logging__LogLevel__Default=Warning \
    dotnet "$repo/Consulting.Web/bin/Release/net10.0/Consulting.Web.dll" --seed --urls "http://127.0.0.1:$port" >"$tmp/app.log" 2>&1 &
app_pid=$!

python3 - "$port" "$rounds" <<'PY'
import http.client, re, statistics, sys, time, urllib.parse
port, rounds = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 120
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5); c.request("GET", "/healthz")
        if c.getresponse().status == 200: break
    except OSError: pass
    if time.monotonic() > deadline: sys.exit("the app did not start (see its log)")
    time.sleep(0.2)

def attempt(email, n):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    c.request("GET", "/account/sign-in", headers={"X-Forwarded-For": address})
    r = c.getresponse(); page = r.read().decode()
    cookie = "; ".join(h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie")
    token = re.search(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"Input.Email": email, "Input.Password": "not the password 1", "__RequestVerificationToken": token})
    start = time.perf_counter()
    c.request("POST", "/account/sign-in", body=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "X-Forwarded-For": address})
    status = c.getresponse().status
    elapsed = (time.perf_counter() - start) * 1000
    if status != 400: sys.exit(f"unexpected status {status}")
    return elapsed

accounts = ["customer@consulting.test", "maya@consulting.test", "jonas@consulting.test", "priya@consulting.test"]
for i in range(10): attempt("warm-up@example.test", 60000 + i)  # JIT and the hasher's first use
unknown, wrong = [], []
for i in range(rounds):
    unknown.append(attempt(f"nobody{i}@example.test", 2 * i))
    # Spread over accounts so none reaches the account lockout (50 failures).
    wrong.append(attempt(accounts[i % len(accounts)], 2 * i + 1))
u, w = statistics.median(unknown), statistics.median(wrong)
print(f"unknown email:  median {u:.1f} ms over {rounds}")
print(f"wrong password: median {w:.1f} ms over {rounds}")
print(f"ratio (unknown / wrong): {u / w:.2f}")
PY

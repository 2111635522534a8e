#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine that has only the .NET 10 SDK:
# installs what the tests need (Debian's chromium for the browser tests, python3-aiosmtpd for the
# SMTP tests, node and the npm packages of Consulting.Tests/package.json), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# The SMTP tests run Debian's aiosmtpd under Debian's python (Consulting.Tests/Support/SmtpListener.cs).
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || missing+=(python3-aiosmtpd)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== Installing ${missing[*]} from Debian"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node tools the tests run (Mozilla's ical.js checks every .ics the app makes): installed from the
# lock file when node_modules is missing or the lock changed since the last install.
lock_hash=$(sha256sum Consulting.Tests/package-lock.json | cut -d' ' -f1)
if [ "$(cat Consulting.Tests/node_modules/.lock-sha256 2>/dev/null)" != "$lock_hash" ]; then
    echo "== Installing the tests' npm packages"
    npm ci --prefix Consulting.Tests --no-audit --no-fund
    echo "$lock_hash" > Consulting.Tests/node_modules/.lock-sha256
fi

results="TestResults/trx"
rm -rf "$results"
set +e
dotnet test Consulting.sln -c Release \
    --logger "trx;LogFileName=results.trx" --results-directory "$results" \
    --logger "console;verbosity=normal"
status=$?
set -e

# One plain closing line, whatever the runner printed above it.
counters=$(grep -o '<Counters [^>]*>' "$results"/*.trx 2>/dev/null | head -1 || true)
passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
echo "Tests: ${passed:-0} passed, ${failed:-0} failed"
if [ "${passed:-0}" -eq 0 ] && [ "$status" -eq 0 ]; then
    echo "No test ran." >&2
    exit 1
fi
exit "$status"

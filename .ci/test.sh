#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine that has only the .NET 10 SDK:
# installs what the tests need (Debian's chromium for the browser tests, Java for the Nu HTML checker
# (npm vnu-jar) of the accessibility tour, python3-aiosmtpd for the SMTP tests, postgresql for the
# PostgreSQL pass, node and the npm packages of Consulting.Tests/package.json: ical.js, axe-core,
# vnu-jar), then runs every test on SQLite, and every test that touches a
# database (all but the classes marked [NoDatabase]) a second time on PostgreSQL: a throwaway cluster
# on a free loopback port, owned by this run and stopped at its end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/postgres.sh

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
# The accessibility tour runs vnu.jar (Consulting.Tests/Support/PageChecks.cs) under Debian's Java.
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
# The SMTP tests run Debian's aiosmtpd under Debian's python (Consulting.Tests/Support/SmtpListener.cs).
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || missing+=(python3-aiosmtpd)
if [ ${#missing[@]} -gt 0 ]; then
    echo "== Installing ${missing[*]} from Debian"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
pg_install_if_missing

# Node tools the tests run (Mozilla's ical.js checks every .ics the app makes; axe-core and vnu-jar
# check every page): installed from the
# lock file when node_modules is missing or the lock changed since the last install.
lock_hash=$(sha256sum Consulting.Tests/package-lock.json | cut -d' ' -f1)
if [ "$(cat Consulting.Tests/node_modules/.lock-sha256 2>/dev/null)" != "$lock_hash" ]; then
    echo "== Installing the tests' npm packages"
    # --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime; Debian's is used instead.
    npm ci --prefix Consulting.Tests --no-audit --no-fund --ignore-scripts
    echo "$lock_hash" > Consulting.Tests/node_modules/.lock-sha256
fi

trap pg_cluster_stop EXIT
# Durability is not under test: a cluster that doesn't wait for the disk runs the suite faster.
echo "== Starting a throwaway PostgreSQL cluster"
pg_cluster_start -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500
echo "   PostgreSQL on 127.0.0.1:$PG_PORT (data in $PG_DIR)"

results="TestResults/trx"
rm -rf "$results"

# pass name, then dotnet test's arguments. Failing tests are printed as "Failed [Provider] Test".
run_pass() {
    local name="$1"; shift
    echo "== Tests on $name"
    set +e
    dotnet test Consulting.sln -c Release \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
        --logger "console;verbosity=normal" "$@" 2>&1 \
        | sed -u "s/^\(\s*\)\(Failed\|Skipped\) \(Consulting\.\)/\1\2 [$name] \3/"
    local status=${PIPESTATUS[0]}
    set -e
    return "$status"
}

started=$SECONDS
sqlite_status=0 postgres_status=0
run_pass SQLite || sqlite_status=$?
CONSULTING_TEST_DATABASE=Postgres CONSULTING_TEST_POSTGRES="$PG_SERVER" \
    run_pass PostgreSQL --no-build --filter "Database!=None" || postgres_status=$?

# One plain closing line, whatever the runner printed above it; before it, each pass's own count
# and the tests that failed in it, by name.
count() { # trx file, counter → the number (nothing when the pass wrote no results)
    { grep -o '<Counters [^>]*>' "$1" 2>/dev/null || true; } | head -1 | sed -n "s/.* $2=\"\([0-9]*\)\".*/\1/p"
}
passed=0 failed=0
for name in SQLite PostgreSQL; do
    trx="$results/$name.trx"
    p="$(count "$trx" passed)"; f="$(count "$trx" failed)"
    if [ -z "$p" ]; then echo "$name pass: no results (it did not finish)"; else echo "$name pass: $p passed, ${f:-0} failed"; fi
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" 2>/dev/null \
        | sed -n 's/.*testName="\([^"]*\)".*/   failed on '"$name"': \1/p' || true
    passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))
done
echo "Both passes took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
echo "Tests: $passed passed, $failed failed"
if [ "$passed" -eq 0 ] && [ "$sqlite_status" -eq 0 ]; then
    echo "No test ran." >&2
    exit 1
fi
[ "$sqlite_status" -eq 0 ] && [ "$postgres_status" -eq 0 ]

#!/usr/bin/env bash
# Two instances of the app on one throwaway PostgreSQL database, with the demo data, to try the
# scale-out set-up by hand: sign in on one, carry on on the other (one cookie jar for 127.0.0.1
# serves both, as behind a load balancer). Installs Debian's postgresql when missing; the cluster
# lives in a temp folder and is removed, with both instances, on Ctrl+C.
# Options: --ports 5081,5082 (the instances' ports); --instances N (with the ports picked freely).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
source "$repo/.ci/postgres.sh"

ports="" instances=2
while [ $# -gt 0 ]; do
    case "$1" in
        --ports) ports="$2"; shift 2 ;;
        --instances) instances="$2"; shift 2 ;;
        -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ -z "$ports" ]; then
    ports="$(for _ in $(seq "$instances"); do pg_free_port; done | paste -sd,)"
fi
IFS=, read -r -a port_list <<<"$ports"

tmp="$(mktemp -d -t two-instances.XXXXXX)"
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pg_cluster_stop
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building (Release)"
dotnet publish "$repo/Consulting.Web/Consulting.Web.csproj" -c Release -o "$tmp/app" -nologo -v quiet
echo "== starting a throwaway PostgreSQL cluster"
pg_cluster_start
connection="$PG_SERVER;Database=consulting"

for port in "${port_list[@]}"; do
    (
        cd "$tmp/app"
        # Development: links in the emails may point at this machine (Production insists on a public App:BaseUrl).
        exec env ASPNETCORE_ENVIRONMENT=Development \
            Database__Provider=Postgres \
            ConnectionStrings__Default="$connection" \
            App__BaseUrl="http://127.0.0.1:$port" \
            Email__PickupDirectory="$tmp/mail" \
            ASPNETCORE_URLS="http://127.0.0.1:$port" \
            dotnet Consulting.Web.dll --seed
    ) >"$tmp/instance-$port.log" 2>&1 &
    pids+=($!)
done

for port in "${port_list[@]}"; do
    for _ in $(seq 240); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null || { tail -n 40 "$tmp"/instance-*.log >&2; echo "an instance exited" >&2; exit 1; }
        done
        sleep 0.25
    done
done

echo
echo "Running ${#port_list[@]} instances on one PostgreSQL database ($connection):"
for port in "${port_list[@]}"; do echo "   http://127.0.0.1:$port   (log: $tmp/instance-$port.log)"; done
echo "Demo sign-ins are in the README (password demo-password-2026); emails go to $tmp/mail."
echo "Press Ctrl+C to stop both and remove the database."
wait "${pids[0]}"

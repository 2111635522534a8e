#!/usr/bin/env bash
# Slot generation speed on a fresh SQLite file in a temp folder: 200 specialists × 90 days, a first
# run and an idempotent re-run; then one change per specialist (a day off, a removed window, a new
# price, a new window) reconciled over a 60-day horizon. Prints slots/s, the re-run speed-up and
# whether the targets are met (≥ 50,000 slots/s; re-run ≥ 5× faster; a change reconciled at least
# as fast as the first run). Options: --specialists N, --days N, --strict (exit 1 when a target is
# missed). The re-run creating anything always exits 1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$here/SlotGenerationBench/SlotGenerationBench.csproj" -c Release -nologo -v quiet
exec dotnet "$here/SlotGenerationBench/bin/Release/net10.0/SlotGenerationBench.dll" "$@"

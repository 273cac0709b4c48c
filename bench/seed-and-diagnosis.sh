#!/usr/bin/env bash
# Times `prewarm seed --stores 100 --orders 1000000` and a 30-day `get diagnosis --stores all`
# from the source (no cache), on SQLite and on PostgreSQL. Prints a markdown table for
# docs/benchmarks.md. Needs `npm run build` first and PostgreSQL at $BENCH_POSTGRES_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_BASE=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
END=2026-11-26
FROM=2026-10-28
dir=$(mktemp -d)
psql "$PG_BASE" -qc 'DROP SCHEMA IF EXISTS prewarm_bench CASCADE; CREATE SCHEMA prewarm_bench'
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $s" | bc; }
echo "| source | seed 100 stores / 1 M orders | diagnosis all stores, 30 days (run 1 / 2 / 3) |"
echo "|---|---|---|"
for kind in sqlite postgres; do
  if [ $kind = sqlite ]; then url="sqlite:$dir/orders.db"; else url="$PG_BASE?options=-c%20search_path%3Dprewarm_bench"; fi
  export PREWARM_SOURCE_URL=$url
  seed=$(seconds node apps/cli/bin/prewarm.js seed --stores 100 --orders 1000000 --end $END)
  runs=()
  for _ in 1 2 3; do runs+=("$(printf '%.2f' "$(seconds node apps/cli/bin/prewarm.js get diagnosis --stores all --from $FROM --to $END --json)")"); done
  printf '| %s | %.1f s | %s s |\n' "$kind" "$seed" "$(IFS=/; echo "${runs[*]}" | sed 's#/# / #g')"
done
psql "$PG_BASE" -qc 'DROP SCHEMA prewarm_bench CASCADE'
rm -rf "$dir"

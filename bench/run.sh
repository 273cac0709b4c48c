#!/usr/bin/env bash
# A full warm-up run on 100 stores / 1 M orders, then an incremental run after 1 % of the orders
# changed (status or amounts, updated_at now). Own Redis on a free port, nothing kept.
# Prints the two `prewarm run --json` summaries and Redis used_memory after each.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${BENCH_REDIS_PORT:-6393}
dir=$(mktemp -d)
redis-server --port "$PORT" --save '' --appendonly no --daemonize yes --dir "$dir" >/dev/null
trap 'redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
export PREWARM_SOURCE_URL="sqlite:$dir/orders.db" PREWARM_QUEUE_REDIS_URL="redis://127.0.0.1:$PORT" PREWARM_LOG_LEVEL=warn
END=${BENCH_END:-2026-11-26}
cli() { node apps/cli/bin/prewarm.js "$@"; }
mem() { redis-cli -p "$PORT" info memory | awk -F: '/^used_memory:/{printf "%.1f MB\n", $2/1048576}'; }
echo "seed: $( { /usr/bin/time -f '%e s' node apps/cli/bin/prewarm.js seed --stores 100 --orders 1000000 --end "$END" >/dev/null; } 2>&1 )"
echo "redis used_memory before: $(mem)"
echo "full run:"; cli run --json --end "$END"; echo
echo "redis used_memory after the full run: $(mem)"
node -e "
const D = require('better-sqlite3'); const db = new D('$dir/orders.db');
const now = new Date().toISOString().replace('Z', '+00:00');
const ids = db.prepare('SELECT order_id FROM orders ORDER BY order_id').pluck().all().filter((_, i) => i % 100 === 7);
const refund = db.prepare(\"UPDATE orders SET status = 'refunded', updated_at = ? WHERE order_id = ?\");
const price = db.prepare('UPDATE orders SET discount_cents = discount_cents + 100, updated_at = ? WHERE order_id = ?');
db.transaction(() => ids.forEach((id, i) => (i % 2 ? refund : price).run(now, id)))();
console.log('changed', ids.length, 'orders');"
echo "incremental run:"; cli run --incremental --json --end "$END"; echo
echo "redis used_memory after the incremental run: $(mem)"

#!/usr/bin/env bash
# Starts the two Redis roles for development from the repository's config files:
#   queue/state on 6379 (noeviction, AOF) and cache on 6380 (512 MB, allkeys-lru).
# Then: export PREWARM_QUEUE_REDIS_URL=redis://127.0.0.1:6379 PREWARM_CACHE_REDIS_URL=redis://127.0.0.1:6380
# Stop with: redis-cli -p 6379 shutdown; redis-cli -p 6380 shutdown
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
dir=${PREWARM_REDIS_DIR:-./data/redis}
mkdir -p "$dir/queue" "$dir/cache"
for role in queue cache; do
  port=$(awk '/^port /{print $2}' "redis/$role.conf")
  if redis-cli -p "$port" ping >/dev/null 2>&1; then echo "$role: already answering on $port"; continue; fi
  redis-server "redis/$role.conf" --dir "$dir/$role" --daemonize yes --logfile "$(pwd)/$dir/$role/redis.log"
  echo "$role: started on $port"
done

# syntax=docker/dockerfile:1
#
# The prewarm image: one image for every process (serve, worker, scheduler, seed, import, run, …).
#   docker build -t prewarm .
#   docker run --rm prewarm --help
# docker-compose.yml builds it and starts each service with `node apps/cli/bin/prewarm.js <command>`.

# ---- build: install everything, compile the workspaces, keep production dependencies only ----
# The full bookworm image has python3, make and g++, so the native modules (better-sqlite3,
# zstd-napi) compile here when no prebuilt binary fits; the runtime image below has the same
# Debian release (same glibc), so the compiled addons run there unchanged.
FROM node:22-bookworm AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# The npm of package.json "packageManager": it honours the "allowScripts" list (only the native
# modules and esbuild run install scripts); the npm bundled with Node 22 ignores that list.
RUN npm install -g npm@11.19.1

# Manifests first, so the dependency layer is rebuilt only when a manifest or the lockfile changes.
# Every workspace is listed (test/deploy/compose.test.ts checks that none is missing).
COPY package.json package-lock.json ./
COPY packages/analyzer/package.json packages/analyzer/
COPY packages/cache/package.json packages/cache/
COPY packages/compute/package.json packages/compute/
COPY packages/config/package.json packages/config/
COPY packages/domain/package.json packages/domain/
COPY packages/queue/package.json packages/queue/
COPY packages/redis/package.json packages/redis/
COPY packages/runs/package.json packages/runs/
COPY packages/scheduler/package.json packages/scheduler/
COPY packages/source/package.json packages/source/
COPY packages/telemetry/package.json packages/telemetry/
COPY apps/cli/package.json apps/cli/
COPY apps/server/package.json apps/server/
COPY apps/worker/package.json apps/worker/
RUN --mount=type=cache,target=/root/.npm npm ci

# Sources (.dockerignore keeps out node_modules, dist, *.tsbuildinfo, data, tests, docs, …).
COPY tsconfig.base.json turbo.json ./
COPY packages/ packages/
COPY apps/ apps/
RUN npm run build

# Production dependencies only: drops turbo, typescript, vitest, testcontainers, …; keeps the
# workspace links (node_modules/@prewarm/* → packages/*, apps/*) and the compiled addons.
RUN npm prune --omit=dev

# What runs: the root manifest and node_modules, and per workspace its package.json ("exports"
# point into dist/), dist/, and its own node_modules when npm nested a version there (e.g. a
# second lru-cache); plus the CLI's bin/ (package.json "bin") and the server's public/ (the
# overview page, read next to dist/ at run time). No sources, no tests, no build files.
RUN set -eu; \
    mkdir -p /out; \
    cp -a package.json node_modules /out/; \
    for ws in packages/* apps/*; do \
      mkdir -p "/out/$ws"; \
      cp -a "$ws/package.json" "$ws/dist" "/out/$ws/"; \
      if [ -d "$ws/node_modules" ]; then cp -a "$ws/node_modules" "/out/$ws/"; fi; \
    done; \
    cp -a apps/cli/bin /out/apps/cli/; \
    cp -a apps/server/public /out/apps/server/; \
    find /out/packages /out/apps -path '*/dist/*' \( -name '*.test.*' -o -name '*.tsbuildinfo' \) -delete

# ---- runtime: slim Node 22, non-root, no build tools ----
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process: the application cannot rewrite its own code.
COPY --from=build /out/ ./
# The only directory the process may write: the embedded SQLite default (sqlite:./data/orders.db),
# for a single-container trial; docker-compose.yml uses PostgreSQL instead.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# prewarm serve (PREWARM_HTTP_PORT, default 8080; listens on PREWARM_HTTP_HOST, default 0.0.0.0).
EXPOSE 8080
# node itself is PID 1 and receives SIGTERM directly (never npm/npx, which do not pass it on);
# the long-running commands handle SIGTERM/SIGINT and stop cleanly.
ENTRYPOINT ["node", "apps/cli/bin/prewarm.js"]
CMD ["serve"]

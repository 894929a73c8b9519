# syntax=docker/dockerfile:1
# The platform's image: Node 24 LTS runs the TypeScript sources itself (type stripping), so there is no
# build step; the first stage only installs the production dependencies from the lockfile.
# better-sqlite3 ships its binaries in the npm package and .npmrc skips install scripts: no Python or compiler in either stage.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The npm workspaces' manifests (packages/*: the client package, which has no dependency of its own).
COPY packages/client/package.json ./packages/client/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    NOTIFY_DATA_DIR=/var/lib/notify
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# Node never strips types below node_modules, so the sources stay at the top of /app.
COPY package.json ./
COPY bin ./bin
COPY app ./app
COPY api ./api
COPY workflow ./workflow
COPY dispatcher ./dispatcher
COPY channels ./channels
COPY monitors ./monitors
COPY commands ./commands
COPY projections ./projections
COPY infra ./infra
COPY domain ./domain
COPY simulator ./simulator
# app/client is the client package's source (the CLI and the demo use it).
COPY packages/client/package.json ./packages/client/
COPY packages/client/src ./packages/client/src
# The embedded stores' directory (only used when no server store is configured), owned by the runtime user.
RUN mkdir -p /var/lib/notify && chown node:node /var/lib/notify
USER node
EXPOSE 3000 9464
# Liveness of whichever port this process serves its ops endpoints on: OPS_PORT for a process without
# the api role, else the API's PORT. The slim image has no curl; node's fetch does it.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.OPS_PORT || process.env.PORT || 3000}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/notify.js", "serve"]

# syntax=docker/dockerfile:1
#
# One image for every service; the service is chosen at build time (SERVICE build arg,
# the default command) or at run time (compose and Kubernetes set the command).
#
#   docker build -t orderflow/app:0.1.0 .
#   docker build --target migrate -t orderflow/migrate:0.1.0 .
#
# Node 24 is the LTS the image runs on; the code also runs on Node 20.
ARG NODE_IMAGE=node:24.11.1-bookworm-slim

# ---- deps: every workspace's manifest, so `npm ci` is cached until a lock changes ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/platform/package.json packages/platform/
COPY packages/event-store/package.json packages/event-store/
COPY services/command/package.json services/command/
COPY services/outbox-relay/package.json services/outbox-relay/
COPY services/projection/package.json services/projection/
COPY services/query/package.json services/query/
COPY services/saga-orchestrator/package.json services/saga-orchestrator/
COPY tests/package.json tests/
COPY bench/package.json bench/

# ---- build: full install and a type-checked build of the whole repository ----
FROM deps AS build
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- prod-deps: the same lock, without dev dependencies ----
FROM deps AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# ---- migrate: one-shot schema migration; needs node-pg-migrate, a root dev dependency ----
FROM build AS migrate
ENV NODE_ENV=production
USER node
CMD ["node", "scripts/migrate.mjs"]

# ---- runtime: production dependencies and compiled output only, as a non-root user ----
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE=command
ENV NODE_ENV=production \
    ORDERFLOW_SERVICE=${SERVICE}
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/package.json ./package.json
COPY --from=build /app/packages/contracts/package.json packages/contracts/package.json
COPY --from=build /app/packages/contracts/dist packages/contracts/dist
COPY --from=build /app/packages/platform/package.json packages/platform/package.json
COPY --from=build /app/packages/platform/dist packages/platform/dist
COPY --from=build /app/packages/event-store/package.json packages/event-store/package.json
COPY --from=build /app/packages/event-store/dist packages/event-store/dist
COPY --from=build /app/services/command/package.json services/command/package.json
COPY --from=build /app/services/command/dist services/command/dist
COPY --from=build /app/services/outbox-relay/package.json services/outbox-relay/package.json
COPY --from=build /app/services/outbox-relay/dist services/outbox-relay/dist
COPY --from=build /app/services/projection/package.json services/projection/package.json
COPY --from=build /app/services/projection/dist services/projection/dist
COPY --from=build /app/services/query/package.json services/query/package.json
COPY --from=build /app/services/query/dist services/query/dist
COPY --from=build /app/services/saga-orchestrator/package.json services/saga-orchestrator/package.json
COPY --from=build /app/services/saga-orchestrator/dist services/saga-orchestrator/dist
# gRPC loads .proto files at run time; the health probe script serves compose healthchecks
COPY --from=build /app/proto ./proto
COPY --from=build /app/deployments/docker/healthcheck.mjs deployments/docker/healthcheck.mjs
USER node
# exec keeps node as PID 1, so SIGTERM reaches the service's graceful shutdown directly
CMD ["sh", "-c", "exec node --enable-source-maps services/${ORDERFLOW_SERVICE}/dist/main.js"]

# syntax=docker/dockerfile:1
#
# One image for both services (snake-api and turn-persister); the Pod spec chooses the entry
# point. The services share almost all of their dependencies and the compiled common package,
# so one image means one build, one tag and, in the low-cost Pod, one pull.
#
#   docker build -t snakepit .
#   docker run snakepit                                     # snake-api (the default CMD)
#   docker run snakepit services/turn-persister/dist/main.js
#   docker run --entrypoint node snakepit services/turn-persister/dist/migrate.js

ARG NODE_IMAGE=node:24-bookworm-slim

# --- deps: every dependency, from the lockfile only, so this layer is cached until it changes.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY services/battlesnake/package.json services/battlesnake/
COPY services/common/package.json services/common/
COPY services/snake-api/package.json services/snake-api/
COPY services/turn-persister/package.json services/turn-persister/
COPY services/all-in-one/package.json services/all-in-one/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --ignore-scripts

# --- build: compile TypeScript to services/*/dist.
FROM deps AS build
COPY tsconfig.json ./
COPY services/ services/
RUN npm run build

# --- prod-deps: production dependencies only, again keyed on the lockfile alone.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=deps /app/package.json /app/package-lock.json ./
COPY --from=deps /app/services/ services/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# --- runtime: the Node 24 runtime, the compiled code and production dependencies; nothing else.
FROM ${NODE_IMAGE} AS runtime
# npm and corepack are not needed to run the services; removing them shrinks what an attacker
# could use. The spool folder is created here only so that running without a volume works too;
# Kubernetes mounts a writable volume over it, so the root filesystem can stay read-only.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
    && mkdir -p /var/spool/snakepit && chown 1000:1000 /var/spool/snakepit
WORKDIR /app
ENV NODE_ENV=production \
    SPOOL_DIR=/var/spool/snakepit
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/services/battlesnake/package.json services/battlesnake/
COPY --from=build /app/services/battlesnake/dist services/battlesnake/dist
COPY --from=build /app/services/common/package.json services/common/
COPY --from=build /app/services/common/dist services/common/dist
COPY --from=build /app/services/snake-api/package.json services/snake-api/
COPY --from=build /app/services/snake-api/dist services/snake-api/dist
COPY --from=build /app/services/turn-persister/package.json services/turn-persister/
COPY --from=build /app/services/turn-persister/dist services/turn-persister/dist
# migrate.js reads the numbered SQL files from ../migrations, next to dist/.
COPY --from=build /app/services/turn-persister/migrations services/turn-persister/migrations
VOLUME ["/var/spool/snakepit"]
# The numeric user lets Kubernetes verify runAsNonRoot (uid 1000 is the image's "node" user).
USER 1000:1000
EXPOSE 8000 9100 9101
# Telemetry is preloaded before the service's own modules, so auto-instrumentation sees them.
ENTRYPOINT ["node", "--import", "./services/common/dist/telemetry/register.js"]
CMD ["services/snake-api/dist/main.js"]

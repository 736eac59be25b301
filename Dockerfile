# syntax=docker/dockerfile:1
# Guardian's one image: every role runs from it as `guardian <command>` (operator, platform,
# migrate, ...). TypeScript runs on Node's type stripping, so the server has no build step: the
# image holds its sources and the production dependencies only (no dev tools, no tests, no
# scripts, and never the development identity provider), plus the web console as Vite built it
# (web/dist, served by the platform); Vite and the console's packages stay in the build stage.
#   make image                     # docker build -t guardian:<version> .
#   docker run --rm guardian:0.1.0 --help

# Debian bookworm: its postgresql-client-15 matches the PostgreSQL servers Guardian is tested with.
ARG NODE_IMAGE=node:24-bookworm-slim
# Backups: pg_dump, pg_restore and psql, whose major version must be at least the servers' (the
# Debian release of NODE_IMAGE must ship it: bookworm 15, trixie 17).
ARG POSTGRES_CLIENT=postgresql-client-15

# Production dependencies of the workspaces, from the lockfile (the console's are all build-time).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY crds/package.json crds/
COPY kube/package.json kube/
COPY operator/package.json operator/
COPY platform/package.json platform/
COPY web/package.json web/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

# The web console: its packages and Vite, then the build; only web/dist leaves this stage.
FROM ${NODE_IMAGE} AS console
WORKDIR /app
COPY package.json package-lock.json ./
COPY crds/package.json crds/
COPY kube/package.json kube/
COPY operator/package.json operator/
COPY platform/package.json platform/
COPY web/package.json web/
RUN npm ci --workspace @guardian/web --no-audit --no-fund --ignore-scripts
COPY web web/
RUN npm run build --workspace @guardian/web

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# --- Backups and restores: the PostgreSQL client tools (one layer, no apt lists left behind).
ARG POSTGRES_CLIENT
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${POSTGRES_CLIENT} \
 && rm -rf /var/lib/apt/lists/*
# --- The application.
WORKDIR /app
COPY --from=deps /app ./
COPY bin bin/
COPY crds crds/
COPY kube kube/
COPY operator operator/
COPY platform platform/
COPY --from=console /app/web/dist web/dist/
# The node image's unprivileged user, by number so that runAsNonRoot can verify it.
USER 1000:1000
ENTRYPOINT ["node", "bin/guardian.ts"]
CMD ["--help"]

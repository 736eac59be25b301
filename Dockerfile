# syntax=docker/dockerfile:1
# Guardian's one image: every role runs from it as `guardian <command>` (operator, platform,
# migrate, ...). TypeScript runs on Node's type stripping, so there is no build step: the image
# holds the sources and the production dependencies only (no dev tools, no tests, no scripts,
# and never the development identity provider).
#   make image                     # docker build -t guardian:<version> .
#   docker run --rm guardian:0.1.0 --help

# Debian bookworm: its postgresql-client-15 matches the PostgreSQL servers Guardian is tested with.
ARG NODE_IMAGE=node:24-bookworm-slim
# Backups: pg_dump, pg_restore and psql, whose major version must be at least the servers' (the
# Debian release of NODE_IMAGE must ship it: bookworm 15, trixie 17).
ARG POSTGRES_CLIENT=postgresql-client-15

# Production dependencies of the workspaces, from the lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY crds/package.json crds/
COPY kube/package.json kube/
COPY operator/package.json operator/
COPY platform/package.json platform/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

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
# The node image's unprivileged user, by number so that runAsNonRoot can verify it.
USER 1000:1000
ENTRYPOINT ["node", "bin/guardian.ts"]
CMD ["--help"]

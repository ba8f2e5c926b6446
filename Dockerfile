# pacs-load as a container image (issue 8): for Kubernetes Indexed Jobs
# (deploy/k8s/) or any container runner.
#
#   docker build -t pacs-load:0.1.0 .
#   docker run --rm -v "$PWD/profiles:/profiles:ro" pacs-load:0.1.0 run /profiles/ci-smoke.yaml
#
# Two stages: the first compiles TypeScript with the dev dependencies, the
# second holds only the runtime dependencies and the compiled code, and runs
# as the unprivileged `node` user the official image provides.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off: `prepare` would build before the sources are here.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
COPY bench ./bench
RUN npm run build

FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only, no install scripts: the dcmjs-dimse fixes are applied as it loads.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY profiles ./profiles
COPY dashboards ./dashboards
RUN ln -s /app/bin/pacs-load.js /usr/local/bin/pacs-load && chmod +x /app/bin/pacs-load.js
# Non-root: the load generator needs no privileges (a C-MOVE store SCP listens above 1024).
USER node
ENTRYPOINT ["pacs-load"]
CMD ["--help"]

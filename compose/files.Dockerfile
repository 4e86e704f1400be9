# The files server. Build from the repository root:
#   docker build -f compose/files.Dockerfile -t toolpack-files .
# NODE_IMAGE is an argument so machines without registry access can pass a locally imported image.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY shared/package.json shared/
COPY servers/files/package.json servers/files/
RUN npm ci --no-audit --no-fund --workspace shared --workspace servers/files --include-workspace-root
COPY shared shared
COPY servers/files servers/files
RUN npx tsc -b shared servers/files && npm prune --omit=dev --workspace shared --workspace servers/files

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production FILES_HOST=0.0.0.0 FILES_PORT=8002 FILES_DATA_DIR=/data
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/shared/package.json shared/
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/servers/files/package.json servers/files/
COPY --from=build /app/servers/files/dist servers/files/dist
COPY specs specs
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8002
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8002/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "servers/files/dist/main.js"]

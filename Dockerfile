# The S3 proxy's Node front (docs/deploying.md): one bundled file, no node_modules.
# Build the file first: `npm run build:node-proxy` (writes dist/node-proxy.mjs), then `docker build -t volume-gateway-proxy .`
FROM node:22-slim
ENV NODE_ENV=production NODE_PROXY_HOST=0.0.0.0 NODE_PROXY_PORT=3003
WORKDIR /app
COPY dist/node-proxy.mjs /app/node-proxy.mjs
# The image's unprivileged `node` user (uid 1000); the file stays root's, read-only to it.
USER node
EXPOSE 3003
CMD ["node", "/app/node-proxy.mjs"]

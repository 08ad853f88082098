# The S3 proxy's Node front (docs/deploying.md): one bundled file, no node_modules.
# Build the file first: `npm run build:node-proxy` (writes dist/node-proxy.mjs), then `docker build -t volume-gateway-proxy .`
FROM node:22-slim
ENV NODE_ENV=production NODE_PROXY_HOST=0.0.0.0 NODE_PROXY_PORT=3003
WORKDIR /app
COPY dist/node-proxy.mjs /app/node-proxy.mjs
# The image's unprivileged `node` user (uid 1000); the file stays root's, read-only to it.
USER node
EXPOSE 3003
# Up when an unsigned GET /_health answers 200 (no curl in the slim image: node's fetch). Load balancers use the same path.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.NODE_PROXY_PORT||3003)+'/_health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "/app/node-proxy.mjs"]

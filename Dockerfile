# Koppel in a container: Debian's Chromium for PDFs, Node 24 from the npm package pinned in package.json,
# running as a non-root user. Point DATABASE_URL at a PostgreSQL server (15 or newer); without it the
# embedded PostgreSQL keeps its files in /data (mount a volume there).
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm chromium ca-certificates fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 koppel \
 && mkdir -p /app /data && chown koppel:koppel /app /data
WORKDIR /app
USER koppel
COPY --chown=koppel:koppel package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY --chown=koppel:koppel . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data CHROME_PATH=/usr/bin/chromium
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node_modules/.bin/node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# `npm start` would rebuild first; the image is built already, so run the compiled app on the pinned Node.
CMD ["node_modules/.bin/node", "dist/src/main.js"]

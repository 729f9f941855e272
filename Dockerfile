# syntax=docker/dockerfile:1.7
#
# Decentra: self-hosted, Discord-like chat server — one binary, one port.
#
#   docker build -t decentra:latest .
#   docker run -p 8765:8765 -v decentra-data:/data decentra:latest
#
# Without DATABASE_URL the server keeps a SQLite database in /data; set
# DATABASE_URL=postgres://... to use PostgreSQL (see docker-compose.yml).

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

# ---------------------------------------------------------------------------
# Web client: TypeScript generated from proto/ with buf, then `vite build`.
# Its output is embedded in the binary by the builder (DECENTRA_WEB_DIST), so
# the Rust stage needs no Node.js.
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
# The lock file is npm 11's (Vite 8 does not install with the npm 10 of this image).
RUN --mount=type=cache,target=/root/.npm npm install -g npm@11.19.1
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY proto/ /src/proto/
COPY buf.yaml /src/
COPY web/ ./
RUN npm run build -- --emptyOutDir --outDir /web-dist

# ---------------------------------------------------------------------------
# Builder: compiles the release binary, with the web client inside. Only Rust
# is needed: protos are compiled by the pure-Rust protox, SQLite is bundled
# (built with the image's gcc), TLS uses rustls/ring (no OpenSSL, no cmake).
# ---------------------------------------------------------------------------
FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS builder
WORKDIR /src

# jemalloc (the server's allocator) is built from C with make; the slim image has gcc only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*

# The build script embeds the web stage's output instead of running npm, and
# fails rather than embed its "client not built" page.
ENV CARGO_TERM_COLOR=never \
    CARGO_INCREMENTAL=0 \
    DECENTRA_WEB_DIST=/web-dist \
    DECENTRA_WEB_REQUIRED=1

COPY --from=web /web-dist /web-dist
COPY . .

# The cargo registry, git checkouts and the target dir live in cache mounts so
# rebuilds only recompile what changed; the binary is copied out of the mount
# because cache mounts are not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked -p decentra \
    && install -D -m 0755 target/release/decentra /out/decentra

# ---------------------------------------------------------------------------
# Runtime: small Debian with CA certificates, running as an unprivileged user.
# ---------------------------------------------------------------------------
FROM debian:${DEBIAN_RELEASE}-slim AS runtime

ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown

LABEL org.opencontainers.image.title="Decentra" \
      org.opencontainers.image.description="Self-hosted, Discord-like chat server — one binary, one port (web client, gRPC, gRPC-web, REST)." \
      org.opencontainers.image.licenses="AGPL-3.0-or-later" \
      org.opencontainers.image.source="https://github.com/decentra-chat/decentra" \
      org.opencontainers.image.url="https://github.com/decentra-chat/decentra" \
      org.opencontainers.image.vendor="Decentra" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 decentra \
    && useradd --system --uid 10001 --gid decentra --home-dir /data \
               --no-create-home --shell /usr/sbin/nologin decentra \
    && install -d -m 0750 -o decentra -g decentra /data

COPY --from=builder /out/decentra /usr/local/bin/decentra

ENV DECENTRA_DATA_DIR=/data \
    DECENTRA_BIND=0.0.0.0:8765 \
    RUST_LOG=info

WORKDIR /data
VOLUME ["/data"]
# 8765: the one HTTP(S) port. 3478 UDP+TCP and the relay range: the embedded TURN server,
# off unless DECENTRA_TURN_PUBLIC_IP is set.
EXPOSE 8765 3478/udp 3478/tcp 49152-49407/udp

# `decentra healthcheck` asks GET /healthz on 127.0.0.1 at the port of
# DECENTRA_BIND and exits 0 on 200 (the image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["decentra", "healthcheck"]

USER decentra
ENTRYPOINT ["decentra"]

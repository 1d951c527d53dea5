# syntax=docker/dockerfile:1.7
FROM debian:bookworm-slim
RUN <<EOT
set -eu
apt-get update
apt-get install -y ca-certificates
EOT

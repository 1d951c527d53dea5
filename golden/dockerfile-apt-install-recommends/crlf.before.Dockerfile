FROM debian:bookworm
RUN apt-get update && \
    apt-get -q install -y curl

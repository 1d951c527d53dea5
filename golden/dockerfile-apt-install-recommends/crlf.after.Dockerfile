FROM debian:bookworm
RUN apt-get update && \
    apt-get -q install --no-install-recommends -y curl

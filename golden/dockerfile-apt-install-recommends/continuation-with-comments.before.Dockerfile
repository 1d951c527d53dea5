FROM ubuntu:24.04
RUN apt-get update \
    # tools needed at build time
    && DEBIAN_FRONTEND=noninteractive apt-get install -y git make \
    # the compiler
    && apt install -y gcc

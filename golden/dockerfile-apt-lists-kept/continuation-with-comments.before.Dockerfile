FROM ubuntu:24.04
RUN apt-get update \
    # tools needed at build time
    && apt-get install -y git make \
    # the compiler
    && apt-get install -y gcc

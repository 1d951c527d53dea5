FROM debian:bookworm-slim
COPY entrypoint.sh /usr/local/bin/
WORKDIR /app
COPY . .
ENTRYPOINT ["entrypoint.sh"]

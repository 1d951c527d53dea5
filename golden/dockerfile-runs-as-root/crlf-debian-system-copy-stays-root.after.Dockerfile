FROM debian:bookworm-slim
RUN groupadd --system --gid 1001 app && useradd --system --uid 1001 --gid app --no-create-home app
COPY entrypoint.sh /usr/local/bin/
WORKDIR /app
COPY --chown=app:app . .
USER 1001:1001
ENTRYPOINT ["entrypoint.sh"]

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 worker
COPY --chown=worker run.sh /run.sh
CMD ["/run.sh"]

FROM python:3.12-slim
RUN groupadd --system --gid 1001 app && useradd --system --uid 1001 --gid app --no-create-home app
WORKDIR /app
COPY --chown=app:app . .
USER 1001:1001
CMD ["gunicorn", "app:app"]

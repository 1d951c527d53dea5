# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN uv pip install flask
RUN --mount=type=cache,target=/root/.cache/pip pip install gunicorn

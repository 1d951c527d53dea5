FROM python:3.12-slim
# the server
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]

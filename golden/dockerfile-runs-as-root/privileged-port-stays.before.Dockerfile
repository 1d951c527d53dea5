FROM python:3.12-slim
COPY . /app
EXPOSE 443
CMD ["python", "/app/serve.py"]

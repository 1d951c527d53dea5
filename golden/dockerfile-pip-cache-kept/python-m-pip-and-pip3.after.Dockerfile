FROM python:3.12-slim
RUN python -m pip install --no-cache-dir --upgrade pip \
    && pip3 install --no-cache-dir gunicorn  # server

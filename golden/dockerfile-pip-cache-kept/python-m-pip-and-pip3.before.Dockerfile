FROM python:3.12-slim
RUN python -m pip install --upgrade pip \
    && pip3 install gunicorn  # server

FROM node:20-bookworm-slim
USER root
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
USER node
CMD ["node", "index.js"]

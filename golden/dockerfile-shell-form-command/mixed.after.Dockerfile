FROM node:20-slim
WORKDIR /app
COPY . .
CMD ["node", "dist/index.js"]

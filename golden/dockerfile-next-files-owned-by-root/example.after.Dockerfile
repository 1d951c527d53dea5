FROM node:20-alpine AS build
RUN npm ci && npm run build
FROM node:20-alpine
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build --chown=node:node /app/.next/standalone ./
USER node
CMD ["node", "server.js"]

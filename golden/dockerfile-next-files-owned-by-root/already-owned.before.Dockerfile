FROM node:20 AS build
RUN npm run build
FROM node:20-slim
COPY --from=build --chown=node:node /app/.next ./.next
USER node
CMD ["node", "server.js"]

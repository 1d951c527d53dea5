FROM node:20 AS build
RUN npm run build
FROM node:20-slim
COPY --from=build /app/.next ./.next
CMD ["node", "server.js"]

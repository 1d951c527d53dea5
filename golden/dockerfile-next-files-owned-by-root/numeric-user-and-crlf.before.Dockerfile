FROM node:20 AS build
RUN npm run build
FROM node:20-slim
WORKDIR /app
COPY --from=build /app/.next ./.next
COPY --from=build /app/node_modules ./node_modules
USER 1000:1000
CMD ["node_modules/.bin/next", "start"]

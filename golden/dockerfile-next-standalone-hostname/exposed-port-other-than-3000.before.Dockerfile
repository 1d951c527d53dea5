FROM node:20-alpine AS build
RUN npm run build

FROM node:20-alpine
WORKDIR /app
COPY --from=build /app/.next/standalone ./
EXPOSE 8080
CMD ["node", "server.js"]

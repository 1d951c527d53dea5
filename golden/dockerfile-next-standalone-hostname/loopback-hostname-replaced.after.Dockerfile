FROM node:20-alpine AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM node:20-alpine
WORKDIR /app
ENV NODE_ENV=production HOSTNAME="0.0.0.0"
COPY --from=build /app/.next/standalone ./
USER node
CMD ["node", "server.js"]

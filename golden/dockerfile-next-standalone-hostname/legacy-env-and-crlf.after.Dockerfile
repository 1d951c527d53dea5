FROM node:20-alpine AS build
RUN npm run build
FROM node:20-alpine
ENV HOSTNAME 0.0.0.0
COPY --from=build /app/.next/standalone ./
CMD node server.js

FROM node:20-alpine
WORKDIR /app
RUN chown node:node /app
USER 1000:1000
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci
COPY --chown=node:node . .
RUN npm run build
EXPOSE 3000
CMD ["node", "dist/index.js"]

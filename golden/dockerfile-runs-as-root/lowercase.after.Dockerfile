from node:18-alpine as base
workdir /app
copy --chown=node:node . .
user 1000:1000
cmd ["node", "index.js"]

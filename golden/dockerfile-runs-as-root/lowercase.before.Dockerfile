from node:18-alpine as base
workdir /app
copy . .
cmd ["node", "index.js"]

from node:20
cmd node \
    server.js

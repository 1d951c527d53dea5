FROM node:20-slim
CMD node server.js --port 3000

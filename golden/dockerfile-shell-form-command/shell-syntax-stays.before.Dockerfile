FROM node:20-slim
CMD npm run migrate && node dist/server.js > /var/log/app.log 2>&1

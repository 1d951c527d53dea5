FROM node:20-slim
CMD ["node", "dist/index.js"]

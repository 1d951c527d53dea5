FROM node:18-alpine
RUN apk add --no-cache --update python3 make g++

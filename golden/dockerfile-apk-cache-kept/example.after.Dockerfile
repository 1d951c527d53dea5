FROM node:20-alpine
RUN apk add --no-cache --update python3 make g++

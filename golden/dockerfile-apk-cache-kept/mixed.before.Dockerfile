FROM node:18-alpine
RUN apk add --update python3 make g++

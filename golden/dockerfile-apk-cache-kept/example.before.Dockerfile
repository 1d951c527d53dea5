FROM node:20-alpine
RUN apk add --update python3 make g++

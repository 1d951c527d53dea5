FROM redis:7.2-alpine
ENTRYPOINT docker-entrypoint.sh
CMD ["redis-server"]

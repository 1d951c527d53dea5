FROM alpine:3.20
RUN addgroup -S -g 1001 app && adduser -S -u 1001 -G app app
RUN apk add --no-cache ca-certificates
WORKDIR /srv
COPY --chown=app:app app /srv/app
USER 1001:1001
# start it
CMD ["/srv/app"]

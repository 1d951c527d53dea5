FROM alpine:3.20
RUN apk add --no-cache ca-certificates
WORKDIR /srv
COPY app /srv/app
# start it
CMD ["/srv/app"]

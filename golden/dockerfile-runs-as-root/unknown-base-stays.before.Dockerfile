ARG BASE
FROM ${BASE}
COPY . .
CMD ["./run"]

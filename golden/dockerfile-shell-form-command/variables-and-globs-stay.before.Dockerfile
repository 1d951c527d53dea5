FROM alpine:3.20
CMD echo $HOME
FROM alpine:3.20
CMD ls *.txt

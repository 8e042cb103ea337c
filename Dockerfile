# orderbot: a static binary on a distroless image, run as a non-root user.
# docker build -t orderbot . && docker run --env-file orderbot.env -p 8080:8080 orderbot
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/orderbot ./cmd/orderbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/orderbot /usr/local/bin/orderbot
USER nonroot:nonroot
EXPOSE 8080
# /healthz: alive; /readyz: PostgreSQL reachable, schema current, Slack connected.
ENTRYPOINT ["/usr/local/bin/orderbot"]
CMD ["serve"]

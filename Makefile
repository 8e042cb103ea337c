# The two commands of the quick start are `make demo` and `make test`.
GO ?= go
ORDERBOT := $(GO) run ./cmd/orderbot

.PHONY: demo test lint bench build

## demo: run orderbot on its embedded sample portfolio (no Slack, no setup)
demo:
	$(ORDERBOT) demo

## test: lint, then every test against a real PostgreSQL (a private throwaway
## cluster, or the server ORDERBOT_TEST_DATABASE_URL names)
test: lint
	$(ORDERBOT) dev postgres -- $(GO) test -count=1 ./...

## lint: formatting, go vet and staticcheck
lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

## bench: full-scale benchmarks over a generated 2,000,000-order store
## (store lookups beside pgbench's figures for the same queries, questions
## answered end to end), a 1,000,000-row snapshot import beside
## PostgreSQL's own COPY, and questions through Socket Mode from a fake
## Slack, and a direct message asked behind 40 questions in one busy
## channel (several minutes)
bench:
	$(ORDERBOT) dev postgres -- sh -c '$(GO) test -run "^$$" -bench . -benchtime 2000x -p 1 -timeout 60m ./orders/postgres/ ./bot/ && \
		$(GO) test -run "^$$" -bench ImportSnapshot -benchtime 1x -timeout 60m ./cmd/orderbot/ && \
		$(GO) test -run "^$$" -bench SocketQuestions -benchtime 3000x -timeout 10m ./cmd/orderbot/ && \
		$(GO) test -run "^$$" -bench BusyChannel -benchtime 3x -timeout 10m ./cmd/orderbot/ && \
		$(GO) test -run "^$$" -bench "BenchmarkUnderstand$$" -benchtime 20000x ./bot/understand/' | tee bench.out
	@echo
	$(GO) run ./internal/benchtable < bench.out

## build: the orderbot binary in bin/
build:
	$(GO) build -o bin/orderbot ./cmd/orderbot

# The two commands of the quick start are `make demo` and `make test`.
GO ?= go
ORDERBOT := $(GO) run ./cmd/orderbot
# The commit goes into the binaries built here (orderbot --version, the
# orderbot_build_info metric), even where GOFLAGS turns stamping off.
BUILDFLAGS ?= -buildvcs=auto
# The vulnerability database govulncheck reads (make vuln VULNDB=file:///a/mirror).
VULNDB ?= https://vuln.go.dev

.PHONY: demo test lint vuln bench build install

## demo: run orderbot on its embedded sample portfolio (no Slack, no setup)
demo:
	@echo "building orderbot (a first build takes a minute or two)" >&2
	@$(GO) build $(BUILDFLAGS) -o bin/orderbot ./cmd/orderbot
	bin/orderbot demo

## test: lint, then every test against a real PostgreSQL (a private throwaway
## cluster, or the server ORDERBOT_TEST_DATABASE_URL names)
test: lint
	$(ORDERBOT) dev postgres -- $(GO) test -count=1 ./...

## lint: formatting, go vet, staticcheck and govulncheck
lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@$(MAKE) --no-print-directory vuln

## vuln: the known vulnerabilities of the code orderbot calls, in its
## dependencies and in the Go release building it (govulncheck, pinned in
## go.mod as a tool). It reads the database at VULNDB (https://vuln.go.dev,
## or a mirror: file:///path): where that cannot be reached, it says so and
## is skipped, rather than failing the build for want of a network; a
## vulnerability found fails it.
vuln:
	@echo "$(GO) tool govulncheck -db $(VULNDB) ./..."; \
	out=$$($(GO) tool govulncheck -db $(VULNDB) ./... 2>&1); status=$$?; \
	if [ $$status -ne 0 ] && printf '%s\n' "$$out" | grep -q 'fetching vulnerabilities'; then \
		printf '%s\n' "$$out" | tail -n 1; \
		echo "govulncheck SKIPPED: the vulnerability database cannot be reached from here; run make vuln where it can"; \
		exit 0; \
	fi; \
	printf '%s\n' "$$out"; exit $$status

## bench: full-scale benchmarks over a generated 2,000,000-order store
## (store lookups beside pgbench's figures for the same queries, questions
## answered end to end), first loads and snapshot re-imports of 100,000,
## 1,000,000 and 5,000,000 orders beside PostgreSQL's own COPY, step by
## step (ORDERBOT_BENCH_IMPORT_ROWS=N,M,... for other sizes), and order
## lookups during a re-import, questions through Socket Mode from a fake
## Slack, and a direct message asked behind 40 questions in one busy
## channel (several minutes)
# BENCH_LOOKUPS are the benchmarks of latency, each measured 2,000 times;
# the imports and the fault benchmarks run a few times each below.
BENCH_LOOKUPS = OrderByNumber|CustomersByName|OpenOrdersOfRep|OrderWithLines|OrdersShortOf|Unclaimed|PortfolioAt|QuestionOrderNumber|QuestionCustomerName|Understand

bench:
	$(ORDERBOT) dev postgres -- sh -c '$(GO) test -run "^$$" -bench "$(BENCH_LOOKUPS)" -benchtime 2000x -p 1 -timeout 60m ./orders/postgres/ ./bot/ ./bot/understand/ && \
		ORDERBOT_BENCH_IMPORT_ROWS=$${ORDERBOT_BENCH_IMPORT_ROWS:-100000,1000000,5000000} $(GO) test -run "^$$" -bench ImportSnapshot -benchtime 1x -timeout 120m ./cmd/orderbot/ && \
		$(GO) test -run "^$$" -bench ImportLines -benchtime 3x -timeout 60m ./orders/postgres/ && \
		$(GO) test -run "^$$" -bench "ReadCSV|ReadXLSX" -benchtime 3x -timeout 30m ./orders/ingest/ && \
		$(GO) test -run "^$$" -bench ImportPlansFollows -benchtime 3x -timeout 30m ./bot/follow/ && \
		$(GO) test -run "^$$" -bench SocketQuestions -benchtime 3000x -timeout 10m ./cmd/orderbot/ && \
		$(GO) test -run "^$$" -bench Takeover -benchtime 1x -timeout 10m ./cmd/orderbot/ && \
		$(GO) test -run "^$$" -bench BusyChannel -benchtime 3x -timeout 10m ./cmd/orderbot/' | tee bench.out
	@echo
	$(GO) run ./internal/benchtable < bench.out

## build: the orderbot binary in bin/
build:
	$(GO) build $(BUILDFLAGS) -o bin/orderbot ./cmd/orderbot

## install: the orderbot binary in $(go env GOBIN), or $(go env GOPATH)/bin
## when GOBIN is not set
install:
	$(GO) install $(BUILDFLAGS) ./cmd/orderbot
	@dir=$$($(GO) env GOBIN); if [ -z "$$dir" ]; then gopath=$$($(GO) env GOPATH); dir=$${gopath%%:*}/bin; fi; \
		echo "installed $$dir/orderbot"

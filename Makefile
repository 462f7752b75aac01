# make test runs everything: formatting and vet, the unit tests under the race
# detector, two bounded fuzz runs, the interop suite against the real Liveblocks dev server and
# client (its npm packages are installed here, from interop/package-lock.json), and the browser
# test of the example in headless Chromium (Debian's, installed by scripts/install-chromium.sh).

GO ?= go

.PHONY: test check unit fuzz interop browser cover bench

test: check unit fuzz interop browser

check:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags interop ./interop/

unit:
	$(GO) test -race -count=1 ./...

# Each fuzz target runs for a bounded time on top of its seed corpus.
FUZZTIME ?= 10s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzHandlerBody$$' -fuzztime $(FUZZTIME) ./middleware
	$(GO) test -run '^$$' -fuzz '^FuzzVerify$$' -fuzztime $(FUZZTIME) ./token

interop: interop/node_modules/.installed
	./interop/run.sh

interop/node_modules/.installed: interop/package.json interop/package-lock.json
	cd interop && npm ci --no-audit --no-fund
	touch $@

# Two headless Chromium pages in the example's live demo room. A missing
# Chromium is installed, never skipped.
browser: browser/node_modules/.installed
	./scripts/install-chromium.sh
	./browser/run.sh

browser/node_modules/.installed: browser/package.json browser/package-lock.json
	cd browser && npm ci --no-audit --no-fund
	touch $@

cover:
	$(GO) test -count=1 -coverprofile=coverage.out ./middleware ./userresolver ./token ./liveblocks ./permission
	$(GO) tool cover -func=coverage.out | tail -1

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

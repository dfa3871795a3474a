# The two commands of the README (`make run`, `make test`) and the rest of the daily ones.
# Each installs what it needs; see scripts/ for the details.

SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help tools build run test bench crash faults fuzz fmt clippy entities

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

tools: ## install the build tools that are missing (wasm target, cargo-leptos, wasm-bindgen, wasm-opt)
	@scripts/tools.sh

build: tools ## build the site in release mode (target/site + target/release/server)
	@source scripts/lib.sh && build_site

run: build ## build and serve demo data at http://127.0.0.1:3000 (SQLite + embedded index in ./data)
	@source scripts/lib.sh && DEMO_HISTORY=$${DEMO_HISTORY:-true} exec ./target/release/server

test: ## install test prerequisites and run every check; ends with "N passed, N failed"
	@scripts/test.sh

bench: build ## run the benchmarks and print their figures
	@scripts/bench.sh

crash: build ## kill -9 the server while it takes submissions, 20 times; every acknowledged one must survive
	@python3 scripts/crash.py --runs 20

faults: build ## storage faults: a full disk, a read-only PostgreSQL, the search index lost while serving
	@PG_URL="$$(scripts/postgres.sh start)" && python3 scripts/faults.py --postgres-admin "$$PG_URL"

fuzz: ## run each cargo-fuzz target for FUZZ_SECONDS (default 300); make test runs them for 30 s
	@scripts/fuzz.sh $${FUZZ_SECONDS:-300}

fmt: ## format the code
	@cargo fmt --all

entities: ## regenerate app/src/ssr/db/entities from a freshly migrated SQLite database
	@scripts/entities.sh

# Guardian — `make help` lists the targets. Every target runs with Node >= 22.19 first on PATH
# (Node 24 from the npm registry into .tools/ where the machine's node is older), then the
# Kubernetes binaries of the local stack (.tools/k8s/bin), then node_modules/.bin.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.SHELLFLAGS := -eu -o pipefail -c

NODE_BIN := $(shell scripts/ensure-node.sh)
ifeq ($(NODE_BIN),)
$(error could not provide Node.js >= 22.19; see the message above)
endif
export PATH := $(NODE_BIN):$(CURDIR)/.tools/k8s/bin:$(CURDIR)/node_modules/.bin:$(PATH)

# The stack folder `stack-up`/`stack-down` act on; the tests use their own, .stack/test.
STACK ?= .stack

##@ General
.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} \
	  /^[a-zA-Z_-]+:.*?##/ { printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2 } \
	  /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development
.PHONY: dev stack-up stack-down
dev: node_modules ## Run Guardian locally: the stack, then its services in the foreground
	node scripts/dev.ts

stack-up: node_modules ## Start the local stack under $(STACK) (idempotent); writes $(STACK)/env
	node scripts/stack/main.ts up --dir $(STACK)

stack-down: node_modules ## Stop exactly the processes the stack under $(STACK) recorded
	node scripts/stack/main.ts down --dir $(STACK)

##@ Test
.PHONY: test lint typecheck unit integration e2e fuzz
test: node_modules ## Everything CI runs: lint, typecheck, unit, integration and e2e on a stack of its own
	scripts/test.sh

lint: node_modules ## Lint and check formatting (Biome)
	biome check .

typecheck: node_modules ## Typecheck every workspace (tsc --noEmit; web/ with the DOM library)
	tsc --noEmit -p .
	tsc --noEmit -p web

unit: node_modules ## Unit tests (no services needed)
	vitest run --project unit

integration: node_modules ## Integration tests against the test stack (.stack/test, started if needed)
	vitest run --project integration

e2e: node_modules ## End-to-end tests against the test stack
	vitest run --project e2e

fuzz: node_modules ## The API fuzzed from its OpenAPI document (schemathesis) as every role, on the test stack
	vitest run --project fuzz

##@ Benchmarks
.PHONY: bench
bench: node_modules ## Benchmarks against a stack of their own (.stack/bench); figures as ratios, in bench/results/
	node bench/operator.ts
	node bench/platform.ts
	node bench/console.ts
	node bench/agents.ts
	node bench/approvals.ts
	node bench/workflows.ts
	node bench/chat-parser.ts
	node bench/chat.ts
	node bench/analytics.ts

##@ Build
.PHONY: generate
generate: node_modules ## Regenerate crds/generated/ (types), operator/rbac/tenant-roles.yaml (from the permission matrix), the console's API types and the agent reference (docs/)
	node scripts/generate-crd-types.ts
	node scripts/generate-rbac.ts
	node scripts/generate-api-types.ts
	node scripts/generate-agent-docs.ts

##@ Documentation
.PHONY: docs docs-dev
docs: node_modules ## Build the documentation site (VitePress) from docs/ into docs/.vitepress/dist
	node scripts/generate-agent-docs.ts --check
	vitepress build docs

docs-dev: node_modules ## Serve the documentation site on http://127.0.0.1:5173, rebuilt on every change
	vitepress dev docs --host 127.0.0.1 --port 5173

.PHONY: console
console: node_modules ## Build the web console into web/dist (what the platform serves)
	npm run build --workspace @guardian/web

.PHONY: chart-sync image
chart-sync: node_modules ## Copy CRDs, admission policies and RBAC into charts/guardian (make test fails when stale)
	node scripts/sync-chart-crds.ts

# The image's tag: Guardian's version (package.json), which is the chart's appVersion.
IMAGE ?= guardian:$(shell node -p "require('./package.json').version")
image: ## Build the container image $(IMAGE) with docker (one image for every role)
	docker build -t $(IMAGE) .

node_modules: package.json package-lock.json $(wildcard */package.json)
	npm ci --no-audit --no-fund
	@touch node_modules

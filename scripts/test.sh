#!/usr/bin/env bash
# `make test`: lint, typecheck and unit tests run while the test stack (.stack/test) comes up;
# then integration and e2e against it. Each phase logs to .stack/test/logs/<phase>.log; a failing
# phase stops the run naming that log, and the test stack is stopped at the end either way.
set -euo pipefail
cd "$(dirname "$0")/.."
stack=.stack/test
logs=$stack/logs
mkdir -p "$logs"
rm -f "$logs"/*.json

start=$SECONDS
stack_pid=
cleanup() {
  [ -n "$stack_pid" ] && kill "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null
  if [ -z "${KEEP_STACK:-}" ]; then node scripts/stack/main.ts down --dir "$stack" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

phase() {
  local name=$1
  shift
  local began=$SECONDS
  echo "==> $name"
  if "$@" 2>&1 | tee "$logs/$name.log"; then
    echo "==> $name passed in $((SECONDS - began)) s"
  else
    echo "==> $name FAILED after $((SECONDS - began)) s; log: $logs/$name.log" >&2
    exit 1
  fi
}

vitest_phase() {
  phase "$1" vitest run --project "$1" --reporter=default --reporter=json --outputFile.json="$logs/$1.json"
}

node scripts/stack/main.ts up --dir "$stack" --test >"$logs/stack-up.log" 2>&1 &
stack_pid=$!
# The API fuzzer (test/fuzz) from PyPI, installed once into .tools/ while the rest runs.
scripts/ensure-schemathesis.sh >"$logs/schemathesis.log" 2>&1 &
fuzzer_pid=$!

phase lint biome check .
phase generated bash -c 'node scripts/generate-crd-types.ts --check && node scripts/generate-rbac.ts --check && node scripts/generate-api-types.ts --check'
phase typecheck bash -c 'tsc --noEmit -p . && tsc --noEmit -p web'
vitest_phase unit
# The platform the integration and e2e tests start serves the console from web/dist.
phase console npm run build --workspace @guardian/web

echo "==> waiting for the test stack"
if ! wait "$stack_pid"; then
  stack_pid=
  cat "$logs/stack-up.log" >&2
  echo "==> stack-up FAILED; log: $logs/stack-up.log" >&2
  exit 1
fi
stack_pid=
cat "$logs/stack-up.log"

vitest_phase integration
vitest_phase e2e
if ! wait "$fuzzer_pid"; then
  cat "$logs/schemathesis.log" >&2
  echo "==> installing schemathesis FAILED; log: $logs/schemathesis.log" >&2
  exit 1
fi
vitest_phase fuzz
vitest_phase disruptive

# One closing line for every suite together.
node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`make test finished in '"$((SECONDS - start))"' s`);
  console.log(`tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
  process.exit(failed ? 1 : 0);
' "$logs"/unit.json "$logs"/integration.json "$logs"/e2e.json "$logs"/fuzz.json "$logs"/disruptive.json

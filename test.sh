#!/usr/bin/env bash
# Runs the whole test suite: the .NET unit and integration tests (real host on 127.0.0.1, real SQLite files),
# the interop test with the official @microsoft/signalr client under Node, the browser client's unit tests
# (vitest) and its end-to-end tests in headless Chromium. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")"

command -v dotnet >/dev/null || { echo "test.sh: the .NET SDK 10 (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "test.sh: Node.js 20+ with npm is required" >&2; exit 1; }

# Cleanup steps run when this script exits, last registered first; prereqs register theirs with at_exit.
exit_steps=()
at_exit() { exit_steps=("$1" "${exit_steps[@]}"); }
run_exit_steps() { for step in "${exit_steps[@]}"; do eval "$step" || true; done; }
trap run_exit_steps EXIT

# Each script in scripts/prereqs/ installs or starts one thing the tests need (a browser, a database server)
# and may export variables for them; they are sourced in name order.
for prereq in scripts/prereqs/*.sh; do
  [ -e "$prereq" ] || continue
  # shellcheck source=/dev/null
  source "$prereq"
done

results="$(mktemp -d)"
at_exit "rm -rf '$results'"
status=0
# The browser client's unit tests (client/test, vitest); their counts join the total below.
npm --prefix client test --silent -- --reporter=default --reporter=json --outputFile="$results/vitest.json" || status=$?
dotnet test HubApp.sln --logger "trx" --results-directory "$results" "$@" || status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  total=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - p - f))
done
if [ -e "$results/vitest.json" ]; then
  read -r p f s < <(node -p 'const r = require(process.argv[1]); `${r.numPassedTests} ${r.numFailedTests} ${r.numTotalTests - r.numPassedTests - r.numFailedTests}`' "$results/vitest.json")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"

#!/usr/bin/env bash
# The live part of the end-to-end suite's mutation test (the unit part is
# test/e2e/planted-defects.test.ts in npm test). For each planting of e2e/plantings.ts, one per item
# of issue 23: run `npm run e2e -- --env dev --plant <name>`, which must exit 1 and print every line
# the planting expects (e2e/mutations.ts judges). About 10 to 19 minutes per planting on 2 cores:
# weekly (.github/workflows/e2e-mutations.yml, one job per planting), not on every pull request.
# Usage: e2e/mutations.sh [<planting> ...]   (default: every planting, one after the other)
#        e2e/mutations.sh --list | --list-json   (the planting names; the workflow's matrix)
set -uo pipefail
cd "$(dirname "$0")/.."
npm run --silent build || exit 2
if [ "${1:-}" = "--list" ] || [ "${1:-}" = "--list-json" ]; then
  exec node dist/e2e/mutations.js "$1"
fi
plantings=("$@")
if [ ${#plantings[@]} -eq 0 ]; then
  mapfile -t plantings < <(node dist/e2e/mutations.js --list)
fi
mkdir -p .tmp
missed=0
for name in "${plantings[@]}"; do
  log=".tmp/e2e-mutation-$name.log"
  echo "planting $name: npm run e2e -- --env dev --plant $name (output: $log)"
  node dist/e2e/run.js --env dev --plant "$name" > "$log" 2>&1
  code=$?
  tail -n 1 "$log"
  node dist/e2e/mutations.js --judge "$name" "$code" "$log" || missed=$((missed + 1))
done
echo "mutations: ${#plantings[@]} planted, $((${#plantings[@]} - missed)) caught, $missed missed"
[ "$missed" -eq 0 ]

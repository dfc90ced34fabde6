#!/usr/bin/env bash
# The live part of the end-to-end suite's mutation test (the unit part, every defect of issue 23,
# is test/e2e/planted-defects.test.ts in npm test). For each planting of e2e/plantings.ts: run
# `npm run e2e -- --env dev --plant <name>`, which must exit 1 and print what the planting expects.
# About 10 minutes per planting on 2 cores: for a weekly job, not for every pull request.
# Usage: e2e/mutations.sh [<planting> ...]   (default: every planting)
set -uo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
plantings=("$@")
if [ ${#plantings[@]} -eq 0 ]; then
  mapfile -t plantings < <(node -e 'for (const name of Object.keys(require("./dist/e2e/plantings.js").PLANTINGS)) console.log(name)')
fi
failed=0
for name in "${plantings[@]}"; do
  expect=$(node -e 'console.log(require("./dist/e2e/plantings.js").PLANTINGS[process.argv[1]].expect.source)' "$name")
  log=".tmp/e2e-mutation-$name.log"
  mkdir -p .tmp
  node dist/e2e/run.js --env dev --plant "$name" > "$log" 2>&1
  code=$?
  if [ "$code" -eq 1 ] && grep -Eq -- "$expect" "$log"; then
    echo "caught:  $name (exit 1, the log matches /$expect/)"
  else
    echo "MISSED:  $name (exit $code; /$expect/ $(grep -Eq -- "$expect" "$log" && echo found || echo 'not found') in $log)"
    failed=$((failed + 1))
  fi
done
echo "mutations: ${#plantings[@]} planted, $((${#plantings[@]} - failed)) caught, $failed missed"
[ "$failed" -eq 0 ]

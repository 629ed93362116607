#!/usr/bin/env bash
# Layer 4: the packaged extension in code-server, driven by Chromium.
# Installs code-server once per machine (see e2e-install.sh), packages the VSIX, runs the tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
start=$(date +%s)
dir="$(bash scripts/e2e-install.sh | tail -n 1)"
echo "e2e: code-server ready in $(( $(date +%s) - start )) s ($dir)"
if [ -z "${DAX_E2E_VSIX:-}" ]; then
  npm run --silent package >/dev/null
  DAX_E2E_VSIX="$root/dax-review.vsix"
fi
export DAX_E2E_VSIX
export DAX_E2E_CODE_SERVER="$dir/node_modules/code-server"
exec npx mocha --no-config --require tsx/cjs --extension ts --reporter test/support/reporter.cjs \
  --timeout 300000 'test/e2e/**/*.test.ts'

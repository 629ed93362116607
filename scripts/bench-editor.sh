#!/usr/bin/env bash
# bench:editor: code-server (installed once, see e2e-install.sh) with the packaged VSIX, driven
# by Chromium over mailboxes of 1, 100 and 1,000 messages (bench/editor/main.ts).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dir="$(bash scripts/e2e-install.sh | tail -n 1)"
if [ -z "${DAX_E2E_VSIX:-}" ]; then
  npm run --silent package >/dev/null
  DAX_E2E_VSIX="$root/dax-review.vsix"
fi
export DAX_E2E_VSIX
export DAX_E2E_CODE_SERVER="$dir/node_modules/code-server"
exec npx tsx bench/editor/main.ts

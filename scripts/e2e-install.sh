#!/usr/bin/env bash
# Installs code-server for the end-to-end tests into a cache folder outside the repo,
# once per machine: later runs find the stamp and return at once.
#   scripts/e2e-install.sh            prints the install folder on its last line
# Needs Node 20 and the Debian packages libkrb5-dev, ripgrep and chromium.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
spec="$root/test/e2e/package.json"
key="$(cat "$spec" "$root/test/e2e/.npmrc" | sha256sum | cut -c1-12)"
cache="${DAX_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dax-review-e2e}"
dir="$cache/$key"

# What code-server's install scripts leave behind: argon2's native binding and the packages
# linked into its VS Code. Without them code-server cannot start.
built() {
  [ -f "$1/node_modules/code-server/out/node/entry.js" ] &&
    [ -d "$1/node_modules/code-server/lib/vscode/node_modules" ] &&
    compgen -G "$1/node_modules/argon2/lib/binding/*/argon2.node" >/dev/null
}

if [ -f "$dir/.installed" ] && built "$dir"; then
  echo "code-server already installed in $dir" >&2
  echo "$dir"
  exit 0
fi

major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" = 20 ] || { echo "e2e: code-server 4.100.3 needs Node 20, found $(node -v)" >&2; exit 1; }
for need in /usr/bin/rg /usr/bin/chromium; do
  [ -x "$need" ] || { echo "e2e: $need missing: apt-get install -y ripgrep chromium libkrb5-dev" >&2; exit 1; }
done
[ -e /usr/include/gssapi/gssapi.h ] || [ -e /usr/include/krb5.h ] || {
  echo "e2e: Kerberos headers missing: apt-get install -y libkrb5-dev" >&2; exit 1; }

# code-server's VS Code depends on @vscode/ripgrep, whose install script downloads rg from
# GitHub unless the archive is already in its cache: hand it Debian's rg instead.
tmp="${TMPDIR:-/tmp}"
rg_version="$(node -e '
  const l = require(process.argv[1]);
  const p = l.packages || {};
  const hit = p["node_modules/@vscode/ripgrep"] || (l.dependencies || {})["@vscode/ripgrep"];
  if (!hit) process.exit(1);
  console.log(hit.version);' "$dir/node_modules/code-server/lib/vscode/npm-shrinkwrap.json" 2>/dev/null || true)"
if [ -z "$rg_version" ]; then
  # Not unpacked yet: ask the registry which version code-server's VS Code pins.
  cs_version="$(node -p 'require(process.argv[1]).dependencies["code-server"]' "$spec")"
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "code-server@$cs_version" >/dev/null &&
     tar xzf code-server-*.tgz package/lib/vscode/npm-shrinkwrap.json)
  rg_version="$(node -p 'require(process.argv[1]).packages["node_modules/@vscode/ripgrep"].version' \
    "$work/package/lib/vscode/npm-shrinkwrap.json")"
  rm -rf "$work"
fi
rg_cache="$tmp/vscode-ripgrep-cache-$rg_version"
mkdir -p "$rg_cache"
rg_tar="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$rg_tar" ]; then
  stage="$(mktemp -d)"
  cp /usr/bin/rg "$stage/rg"
  tar czf "$rg_tar" -C "$stage" rg
  rm -rf "$stage"
fi
echo "e2e: @vscode/ripgrep $rg_version will use $rg_tar" >&2

mkdir -p "$dir"
cp "$spec" "$dir/package.json"
cp "$root/test/e2e/.npmrc" "$dir/.npmrc"
start=$(date +%s)
# On the command line, so that an ignore-scripts=true inherited from the calling npm run
# (the extension's own .npmrc) cannot skip them; package.json names the packages whose
# install scripts may run (allowScripts).
(cd "$dir" && npm_config_yes=true npm_config_unsafe_perm=true npm install --ignore-scripts=false --no-audit --no-fund >&2)
built "$dir" || { echo "e2e: code-server's install scripts did not build it in $dir" >&2; exit 1; }
touch "$dir/.installed"
echo "e2e: code-server installed in $(( $(date +%s) - start )) s" >&2
echo "$dir"

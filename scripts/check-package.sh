#!/usr/bin/env bash
# Packs facetsctl as npm publishes it and installs the tarball globally into PREFIX, as on a fresh machine:
# dependencies from the npm registry (through the local npm cache), no dev dependencies, no build step.
# Usage: scripts/check-package.sh PREFIX   (then PREFIX/bin/facetsctl is the installed program)
# Needs a fresh dist/ (npm run build). better-sqlite3 compiles from source where no prebuilt binary
# can be downloaded, which is most of the time this takes.
set -euo pipefail

prefix="${1:?usage: scripts/check-package.sh PREFIX}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
pack_dir="$prefix/pack"
rm -rf "$pack_dir" && mkdir -p "$pack_dir"

[ -f "$repo/dist/cli/main.js" ] || { echo "dist/ is missing: run npm run build first" >&2; exit 1; }

echo "==> npm pack into $pack_dir" >&2
tarball="$(cd "$repo" && npm pack --silent --pack-destination "$pack_dir" | tail -n 1)"

echo "==> npm install -g --prefix $prefix $tarball" >&2
npm install -g --prefix "$prefix" "$pack_dir/$tarball" --prefer-offline --no-audit --no-fund --loglevel=error >&2

echo "==> $prefix/bin/facetsctl --version" >&2
"$prefix/bin/facetsctl" --version
"$prefix/bin/facetsctl" --help >/dev/null
echo "$prefix/bin/facetsctl"

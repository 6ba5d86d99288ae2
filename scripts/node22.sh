#!/usr/bin/env bash
# Node.js 22 beside the system's Node.js 20, for the test that runs Wharf on both: the official binary from the npm
# registry's node-linux-<arch> package, and better-sqlite3 (Wharf's one native module) built for it at the version
# package-lock.json holds. Everything goes under one directory (default /opt/wharf-node22); a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST="${WHARF_NODE22_DIR:-/opt/wharf-node22}"
SQLITE_VERSION=$(node -p "require('./package-lock.json').packages['node_modules/better-sqlite3'].version")
STAMP="$DEST/ready-$SQLITE_VERSION"
[ -f "$STAMP" ] && { "$DEST/node/bin/node" --version; exit 0; }
case "$(uname -m)" in x86_64) ARCH=x64 ;; aarch64) ARCH=arm64 ;; *) echo "node22: no Node.js 22 package for $(uname -m)" >&2; exit 1 ;; esac
rm -rf "$DEST" && mkdir -p "$DEST/lib"
WORK=$(mktemp -d)
(cd "$WORK" && npm pack --silent "node-linux-$ARCH@22" >/dev/null && tar xzf node-linux-*.tgz && mv package "$DEST/node")
rm -rf "$WORK"
# Built from source against Node 22's own headers (in the package): prebuilt binaries come from GitHub, which CI
# may not reach.
PATH="$DEST/node/bin:$PATH" npm_config_nodedir="$DEST/node" npm install --silent --no-audit --no-fund --no-save \
  --build-from-source --prefix "$DEST/lib" "better-sqlite3@$SQLITE_VERSION" >/dev/null
"$DEST/node/bin/node" -e "new (require('$DEST/lib/node_modules/better-sqlite3'))(':memory:').close()"
touch "$STAMP"
"$DEST/node/bin/node" --version

#!/usr/bin/env bash
# Install Node.js for the unit tests of the web UI's modules (tests/js, run by
# tests/test_js_units.py with `node --test`). Idempotent: does nothing when a
# `node` of version 18 or newer is on PATH; else apt-get installs Debian's nodejs.
# Node is only needed for the tests: the UI itself runs in the browser, no build step.
set -euo pipefail

MIN_MAJOR=18

node_major() {
    node -e 'process.stdout.write(String(process.versions.node.split(".")[0]))' 2>/dev/null || echo 0
}

if command -v node >/dev/null 2>&1 && [ "$(node_major)" -ge "$MIN_MAJOR" ]; then
    echo "node already installed: $(node --version)"
    exit 0
fi

bash "$(dirname "$0")/apt_install.sh" nodejs
major=$(node_major)
if [ "$major" -lt "$MIN_MAJOR" ]; then
    echo "install_node.sh: apt installed node $(node --version 2>/dev/null || echo '?'), need >= $MIN_MAJOR" >&2
    exit 1
fi
node --version

#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/browser, marker "browser").
# Idempotent: does nothing when /usr/bin/chromium already exists.
# Playwright (pip) drives it with executable_path=/usr/bin/chromium, so no
# `playwright install` download is needed.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

bash "$(dirname "$0")/apt_install.sh" chromium
/usr/bin/chromium --version || true

#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/browser, marker "browser").
# Idempotent: does nothing when /usr/bin/chromium already exists.
# Playwright (pip) drives it with executable_path=/usr/bin/chromium, so no
# `playwright install` download is needed.
set -euo pipefail

# Debian's /usr/bin/chromium launcher is a sh script whose memory check prints
# "[: 25324949504: unexpected operator" under dash; ask the binary itself.
chromium_version() {
    /usr/lib/chromium/chromium --version 2>/dev/null || echo /usr/bin/chromium
}

if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(chromium_version)"
    exit 0
fi

bash "$(dirname "$0")/apt_install.sh" chromium
echo "chromium installed: $(chromium_version)"

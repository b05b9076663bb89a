#!/usr/bin/env bash
# apt-get install Debian packages as root, or through sudo: the one place the
# project's install scripts (install_browser.sh, install_node.sh) call apt.
# Usage: bash scripts/apt_install.sh PACKAGE [PACKAGE ...]
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "apt_install.sh: need root (or sudo) to apt-get install $*" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "$@"

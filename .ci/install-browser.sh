#!/usr/bin/env bash
# Install the headless browser the `browser` tests drive: Debian's chromium, via apt-get, only if missing.
# Idempotent. Installs nothing from pip (Playwright comes with the test extra) and never runs
# `playwright install`, which would download a browser from the internet.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM is already installed; nothing to do."
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: $CHROMIUM is missing and apt-get is not available; install Debian's chromium." >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-browser: $CHROMIUM is missing; run this script as root (or install sudo)." >&2
        exit 1
    fi
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium

if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser: apt-get finished but $CHROMIUM is still missing." >&2
    exit 1
fi
echo "install-browser: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)."

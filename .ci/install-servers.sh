#!/usr/bin/env bash
# Install the SPARQL servers the endpoint tests run against, beyond what pip installs. Idempotent.
#
# - Oxigraph: nothing to do here; the PyPI package 'oxigraph' (a binary, installed in the virtualenv's bin/)
#   comes with the test extra.
# - Virtuoso Open Source 7 (Debian 'virtuoso-opensource'), via apt-get, only if 'virtuoso-t' is missing.
#   The package's own service is not used: the tests start a private instance on 127.0.0.1 in a temporary
#   folder, and stop it.
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1; then
    echo "install-servers: virtuoso-t is already installed; nothing to do."
else
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-servers: virtuoso-t is missing and apt-get is not available; install Virtuoso 7." >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "install-servers: virtuoso-t is missing; run this script as root (or install sudo)." >&2
            exit 1
        fi
        SUDO="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq virtuoso-opensource
    # The tests never use the system-wide service (stock ini: ports on every interface, dba/dba): if the
    # package started it, stop it.
    if command -v service >/dev/null 2>&1; then
        $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
    fi
    if ! command -v virtuoso-t >/dev/null 2>&1; then
        echo "install-servers: apt-get finished but virtuoso-t is still missing." >&2
        exit 1
    fi
    echo "install-servers: installed $(virtuoso-t +help 2>&1 | head -n 1 || echo virtuoso-t)."
fi


#!/usr/bin/env bash
# Install the SPARQL servers the endpoint tests run against, beyond what pip installs. Idempotent.
#
# - Oxigraph: nothing to do here; the PyPI package 'oxigraph' (a binary, installed in the virtualenv's bin/)
#   comes with the test extra.
# - Virtuoso Open Source 7 (Debian 'virtuoso-opensource'), only if 'virtuoso-t' is missing. The package's
#   own service is not used: the tests start a private instance on 127.0.0.1 in a temporary folder, and
#   stop it.
# - Apache Jena ARQ (Debian 'libapache-jena-java', Jena's jars in /usr/share/java) and a JDK
#   ('openjdk-17-jdk-headless': the tests compile and run tests/jena/ArqServer.java, a minimal SPARQL
#   protocol server over ARQ, with the JDK's source launcher), only if they are missing.
set -euo pipefail

missing=()
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
[ -f /usr/share/java/jena-arq.jar ] || missing+=(libapache-jena-java)
{ command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1; } || missing+=(openjdk-17-jdk-headless)

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-servers: virtuoso-t, Jena ARQ and a JDK are already installed; nothing to do."
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-servers: missing ${missing[*]} and apt-get is not available; install them." >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-servers: missing ${missing[*]}; run this script as root (or install sudo)." >&2
        exit 1
    fi
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}"
# The tests never use the system-wide Virtuoso service (stock ini: ports on every interface, dba/dba): if
# the package started it, stop it.
if command -v service >/dev/null 2>&1; then
    $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
for tool in virtuoso-t java javac; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "install-servers: apt-get finished but $tool is still missing." >&2
        exit 1
    fi
done
if [ ! -f /usr/share/java/jena-arq.jar ]; then
    echo "install-servers: apt-get finished but /usr/share/java/jena-arq.jar is still missing." >&2
    exit 1
fi
echo "install-servers: installed ${missing[*]}."

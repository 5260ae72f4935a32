#!/usr/bin/env bash
# Create .venv and install dependencies. Usage: scripts/setup.sh [--test]
# mysqlclient needs the MySQL client headers; when they are missing we install them
# with apt-get if we can (root or passwordless sudo), else we install without
# mysqlclient and say so: the app then runs on SQLite only.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv

apt_install() {
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else return 1; fi
  command -v apt-get >/dev/null || return 1
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# Debian ships python3 without the venv module (package python3-venv): install it, or say exactly what to do.
if [ ! -x "$VENV/bin/python" ] && ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  pyver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  echo "setup: $PYTHON has no working venv module; trying apt-get install python3-venv python$pyver-venv" >&2
  if ! apt_install python3-venv "python$pyver-venv"; then
    echo "setup: could not install it: run 'sudo apt-get install python3-venv' and re-run." >&2
    exit 1
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi

requirements=(-r requirements.txt)
if ! pkg-config --exists mysqlclient 2>/dev/null && ! pkg-config --exists mariadb 2>/dev/null; then
  echo "setup: MySQL client headers missing; trying apt-get install default-libmysqlclient-dev pkg-config" >&2
  if ! apt_install default-libmysqlclient-dev pkg-config build-essential; then
    echo "setup: could not install them: installing WITHOUT mysqlclient (SQLite only)." >&2
    echo "setup: for MariaDB/MySQL, install default-libmysqlclient-dev and pkg-config, then re-run." >&2
    grep -v '^mysqlclient' requirements.txt > "$VENV/requirements-nomysql.txt"
    requirements=(-r "$VENV/requirements-nomysql.txt")
  fi
fi
if [ "${1:-}" = "--test" ]; then
  requirements+=(-r requirements-test.txt)
fi

# Test tools from npm (axe-core for the accessibility browser test, pinned in package-lock.json),
# into node_modules; again only when package-lock.json changed since the last install.
if [ "${1:-}" = "--test" ]; then
  if ! command -v npm >/dev/null; then
    echo "setup: npm missing (the browser tests need axe-core from npm); trying apt-get install npm" >&2
    apt_install npm || echo "setup: could not install npm: run 'sudo apt-get install npm' and re-run." >&2
  fi
  npm_stamp="node_modules/.installed-$(cksum < package-lock.json | cut -d' ' -f1)"
  if command -v npm >/dev/null && [ ! -f "$npm_stamp" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    touch "$npm_stamp"
  fi
fi

# Skip pip when nothing changed since the last successful install.
stamp="$VENV/.installed-$(cat requirements*.txt | cksum | cut -d' ' -f1)-${1:-run}"
if [ ! -f "$stamp" ]; then
  "$VENV/bin/pip" install -q "${requirements[@]}"
  touch "$stamp"
fi

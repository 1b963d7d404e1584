#!/usr/bin/env bash
# Creates .venv and installs the project into it; reinstalls only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "Installing docsplane into .venv (first run only; log: .venv/install.log)..." >&2
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  if ! { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e ".[test]"; } \
      > .venv/install.log 2>&1; then
    cat .venv/install.log >&2
    echo "Installing docsplane failed; see above." >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

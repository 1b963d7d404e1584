#!/usr/bin/env bash
# README command 2: the whole test suite (unit, integration on SQLite and PostgreSQL, e2e over HTTP).
# PostgreSQL tests skip with a reason when the server is down, except under CI=true where they fail.
# pytest's "no tests ran" (exit 5) is a failure here like any other non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap-venv.sh
exec .venv/bin/python -m pytest "$@"

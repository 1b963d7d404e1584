#!/usr/bin/env bash
# README command 1: serve the API, and built documentation on http://<project>.docs.localhost:PORT/, on the embedded default (SQLite event store and read models under
# ./data, projector in-process). No servers needed. HOST/PORT and every DOCSPLANE_* variable apply.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap-venv.sh
export DOCSPLANE_DATA_DIR=${DOCSPLANE_DATA_DIR:-$PWD/data}
exec .venv/bin/docsplane serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"

#!/usr/bin/env bash
# Quick start 2/2: set up (incl. test tools, Chromium and a CJK font), lint, type-check, all tests.
#   ./test.sh            everything (what CI runs)
#   ./test.sh --fast     the edit-test loop: no end-to-end, no slow tests (extra args go to pytest)
set -euo pipefail
cd "$(dirname "$0")"
fast=0
if [ "${1:-}" = "--fast" ]; then
  fast=1
  shift
fi
bash scripts/setup.sh --dev
echo "== ruff"
.venv/bin/ruff format --check .
.venv/bin/ruff check .
echo "== mypy (etl, warehouse, dashboard, synth, benchmarks)"
.venv/bin/python -m mypy
if [ "$fast" = 1 ]; then
  echo "== pytest (fast: not e2e, not slow)"
  exec .venv/bin/python -m pytest -q -n 2 -m "not e2e and not slow" "$@"
fi
bash scripts/install_browser.sh
echo "== pytest"
.venv/bin/python -m pytest -q -n 2 "$@"

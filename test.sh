#!/usr/bin/env bash
# Quick start 2/2: set up (incl. test tools, Chromium and a CJK font) and run lint + all tests.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh --dev
bash scripts/install_browser.sh
echo "== ruff"
.venv/bin/ruff check .
echo "== pytest"
.venv/bin/python -m pytest -q -n 2 "$@"

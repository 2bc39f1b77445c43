#!/usr/bin/env bash
# Creates .venv and installs the project (with test tools when called with --dev).
# Idempotent: a second run only checks that everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "== 创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi
extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
stamp=".venv/.installed${extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "== 安装依赖 (pip install -e .${extras})"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${extras}"
  touch "$stamp"
fi

#!/usr/bin/env bash
# Quick start 1/2: set up, build the warehouse from the bundled documents in data/, start the dashboard.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
export WAREHOUSE_DB="${WAREHOUSE_DB:-var/warehouse.duckdb}"
echo "== 解析并入库 data/ -> $WAREHOUSE_DB"
set +e
.venv/bin/python -m etl load data/
status=$?
set -e
if [ "$status" -gt 1 ]; then
  echo "!! 入库失败 (exit $status)" >&2
  exit "$status"
fi
echo "== 启动仪表盘 http://localhost:${PORT:-8501}"
exec .venv/bin/python -m streamlit run dashboard/streamlit_app.py \
  --server.headless true --server.port "${PORT:-8501}" --browser.gatherUsageStats false

"""Where the warehouse lives: one rule shared by every command and the dashboard."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "WAREHOUSE_DB"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "var" / "warehouse.duckdb"
DB_HELP = "仓库路径（默认 $WAREHOUSE_DB，否则 var/warehouse.duckdb）"  # every command's --db


def resolve_db_path(cli_value: str | None) -> Path:
    """``--db`` wins, then ``$WAREHOUSE_DB``, then ``var/warehouse.duckdb`` in the repo root.

    The returned path is the *pointer* (a symlink to the current version file, see
    docs/load_mechanism.md); it may not exist yet when nothing has been loaded.
    """
    if cli_value:
        return Path(cli_value).expanduser().absolute()
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser().absolute()
    return DEFAULT_DB

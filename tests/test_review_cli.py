"""`python -m etl review FILE [--json]`: readable report, JSON, and clean failures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from etl.review.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED_002 = ROOT / "data" / "002_dc2e081542201539.txt"


def test_text_report(capsys):
    assert main([str(SEED_002)]) == 0
    out = capsys.readouterr().out
    assert "绩效目标审核报告" in out and "单位评级" in out
    assert "R05 资金构成不符（第1237行）" in out and "建议：" in out


def test_json_report(capsys):
    assert main([str(SEED_002), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["projects"]) == 12 and data["unit"]["grade"] in "优良中差"


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary\xff\xfe", "随便写的一段话".encode()])
def test_unreadable_file_exits_2_with_one_line(tmp_path, capsys, content):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main([str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err and "Traceback" not in err


def test_missing_file(tmp_path, capsys):
    assert main([str(tmp_path / "missing.txt")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_bad_config(tmp_path, capsys):
    path = tmp_path / "rules.toml"
    path.write_text("[[[", encoding="utf-8")
    assert main([str(SEED_002), "--config", str(path)]) == 2
    assert "审核规则文件格式错误" in capsys.readouterr().err


def test_module_entry_point():
    done = subprocess.run(
        [sys.executable, "-m", "etl", "review", str(SEED_002), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["unit"]["counts"]

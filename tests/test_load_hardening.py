"""One bad file cannot take the load down; nothing is silently lost (issue 17).

Real files, real worker processes, small limits from a test limits file ($ETL_LIMITS)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.errors import DocumentError
from etl.limits import LimitExceeded
from etl.readers import read_blocks
from tests import crafted
from warehouse.load.loader import load_paths
from warehouse.serve.connect import open_readonly

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data").glob("[0-9][0-9][0-9]_*.txt"))
PY = sys.executable

SMALL_LIMITS = """
[zip]
max_member_mb = 2
max_uncompressed_mb = 4
[sheet]
max_rows = 200
[worker]
memory_mb = 700
timeout_s = 300
"""


@pytest.fixture
def small_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    limits = tmp_path / "limits.toml"
    limits.write_text(SMALL_LIMITS, encoding="utf-8")
    monkeypatch.setenv("ETL_LIMITS", str(limits))
    return limits


def good_folder(folder: Path, count: int = 2) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "data" / "manifest.toml", folder / "manifest.toml")
    for seed in SEEDS[:count]:
        shutil.copy(seed, folder / seed.name)
    return folder


def reasons(summary) -> dict[str, str]:
    return {Path(r.path).name: r.reason for r in summary.rejected}


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# --------------------------------------------------------------------------- readers


def test_default_limits_refuse_issue_files_before_allocating(tmp_path: Path) -> None:
    # the sizes of the issue: one cell in column 200,001 / at XFD1 (default limits)
    with pytest.raises(LimitExceeded, match="使用范围过宽"):
        read_blocks(crafted.sparse_csv(tmp_path / "sparse.csv"))
    with pytest.raises(LimitExceeded, match="使用范围过宽"):
        read_blocks(crafted.sparse_xlsx(tmp_path / "sparse.xlsx"))


def test_limits_file_value_is_validated(tmp_path: Path) -> None:
    import tomllib

    from etl.limits import LIMITS_FILE, parse_limits

    data = tomllib.loads(LIMITS_FILE.read_text(encoding="utf-8"))
    data["sheet"]["max_rows"] = True
    with pytest.raises(ValueError, match=r"\[sheet\] max_rows 应为正数"):
        parse_limits(data)


def test_crafted_files_rejected_good_files_load(tmp_path: Path, small_limits: Path) -> None:
    folder = good_folder(tmp_path / "in")
    crafted.sparse_csv(folder / "sparse.csv")
    crafted.sparse_xlsx(folder / "sparse.xlsx")
    crafted.docx_bomb(folder / "bomb.docx", inflated_mb=12)
    crafted.many_rows_xlsx(folder / "rows.xlsx", rows=300)
    assert (folder / "bomb.docx").stat().st_size < 100_000
    summary = load_paths([folder], tmp_path / "w.duckdb", progress=False)
    why = reasons(summary)
    assert summary.loaded == 2, why
    assert "使用范围过宽" in why["sparse.csv"]
    assert "使用范围过宽" in why["sparse.xlsx"]
    assert "疑似压缩炸弹" in why["bomb.docx"]
    assert "行数超过上限 200" in why["rows.xlsx"]
    assert summary.exit_code == 1
    con = open_readonly(tmp_path / "w.duckdb")
    try:
        stored = dict(con.execute("SELECT path, reason FROM reject").fetchall())
        docs = con.execute("SELECT count(*) FROM source_document").fetchone()[0]
    finally:
        con.close()
    assert docs == 2 and len(stored) == 4


def test_file_over_size_limit_listed_and_rejected(tmp_path: Path) -> None:
    limits = tmp_path / "limits.toml"
    limits.write_text("[file]\nmax_mb = { txt = 0.01 }\n", encoding="utf-8")
    folder = good_folder(tmp_path / "in", count=1)
    (folder / "big.txt").write_text("x" * 20_000, encoding="utf-8")
    result = subprocess.run(
        [PY, "-m", "etl", "load", str(folder), "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        env={**env(), "ETL_LIMITS": str(limits)},
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "big.txt：文件过大" in result.stdout
    assert "新载入 0" in result.stdout  # the seed itself is 0.01 MB+ too: rejected alike


# --------------------------------------------------------------------------- workers

GREEDY, CRASH, HANG = "greedy.txt", "crash.txt", "hang.txt"


def hostile_parse(path: Path) -> dict:
    """The real parser, except for three files that misbehave in the worker process."""
    name = Path(path).name
    if name == GREEDY:
        return {"blob": bytearray(8 << 30)}  # MemoryError under RLIMIT_AS
    if name == CRASH:
        os.abort()  # the worker dies with SIGABRT
    if name == HANG:
        time.sleep(3600)
    from etl.parser import parse_file

    return parse_file(path)


@pytest.mark.slow  # real worker processes run into their memory and time limits
def test_memory_crash_and_timeout_reject_one_file_each(tmp_path: Path, small_limits) -> None:
    # generous for a busy machine: the clock starts once the worker is ready (imports done)
    small_limits.write_text(SMALL_LIMITS.replace("timeout_s = 300", "timeout_s = 15"))
    folder = good_folder(tmp_path / "in")
    for name in (GREEDY, CRASH, HANG):
        (folder / name).write_text(name, encoding="utf-8")
    summary = load_paths(
        [folder], tmp_path / "w.duckdb", progress=False, parse=hostile_parse, isolate=True
    )
    why = reasons(summary)
    assert summary.loaded == 2, why
    assert "内存超过上限" in why[GREEDY]
    assert "解析进程异常退出" in why[CRASH] and "SIGABRT" in why[CRASH]
    assert "解析超时" in why[HANG]


def _children_of(pid: int) -> list[int]:
    """Processes started for the load with this pid (workers carry it in their env)."""
    found = []
    marker = f"WAREHOUSE_PARENT_PID={pid}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().split(") ")[-1][:1]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def _many_documents(folder: Path, copies: int) -> Path:
    good_folder(folder, count=0)
    for index in range(copies):
        for seed in SEEDS:
            text = seed.read_text(encoding="utf-8-sig") + f"\n备注 {index}\n"
            (folder / f"{index:03d}_{seed.name}").write_text(text, encoding="utf-8")
    return folder


def _wait_for(predicate, limit_s: float = 60.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow  # a real load process killed mid-way
@pytest.mark.parametrize(
    "sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["kill9", "sigterm", "sigint"]
)
def test_killed_load_leaves_no_process_and_no_new_version(tmp_path: Path, sig) -> None:
    folder = _many_documents(tmp_path / "in", copies=30)
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen(
        [PY, "-m", "etl", "load", str(folder), "--db", str(db), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
        cwd=ROOT,
    )
    try:
        assert _wait_for(lambda: len(_children_of(proc.pid)) >= 1), "workers never started"
        os.kill(proc.pid, sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert _wait_for(lambda: not _children_of(proc.pid)), _children_of(proc.pid)
    expected = {signal.SIGKILL: -9, signal.SIGTERM: 143, signal.SIGINT: 130}[sig]
    assert code == expected, proc.stderr.read().decode() if proc.stderr else ""
    if sig != signal.SIGKILL:  # cleaned up on the way out: nothing was published or left
        assert not os.path.lexists(db)
        assert not list(tmp_path.glob("w.duckdb.v*"))


@pytest.mark.parametrize(
    ("received", "expected"), [([signal.SIGTERM], 143), ([signal.SIGINT], 130), ([], 130)]
)
def test_signal_swallowed_by_a_duckdb_query_still_gives_its_exit_code(
    received: list[int], expected: int
) -> None:
    """A signal arriving during a DuckDB query surfaces as InterruptException("Query
    interrupted"), not as the handler's exception: the exit code must still name the signal
    (CI once saw exit 1, "载入失败：Query interrupted", for a SIGTERM)."""
    import duckdb

    from warehouse.load import loader_cli

    loader_cli._signals_received[:] = received
    try:
        assert loader_cli._stopped_by_signal(duckdb.InterruptException("x")) == expected
        other = loader_cli._stopped_by_signal(ValueError("disk full"))
        assert other == (expected if received else None)
    finally:
        loader_cli._signals_received.clear()


# --------------------------------------------------------------------------- walking


def test_symlink_out_of_root_not_followed(tmp_path: Path) -> None:
    outside = good_folder(tmp_path / "outside", count=1)
    folder = good_folder(tmp_path / "in", count=1)
    (folder / "link.txt").symlink_to(outside / SEEDS[0].name)
    (folder / "etc").symlink_to(outside)
    db = tmp_path / "w.duckdb"
    summary = load_paths([folder], db, progress=False)
    skipped = {Path(s.path).name: s.reason for s in summary.skipped}
    assert "载入文件夹之外" in skipped["link.txt"] and "载入文件夹之外" in skipped["etc"]
    assert summary.loaded == 1 and summary.exit_code == 0
    con = open_readonly(db)
    try:
        paths = [
            p
            for (p,) in con.execute(
                "SELECT path FROM source_document UNION ALL SELECT path FROM reject"
            ).fetchall()
        ]
    finally:
        con.close()
    assert all("outside" not in p for p in paths)
    followed = load_paths([folder], db, progress=False, follow_symlinks=True)
    assert not followed.skipped
    assert followed.files_seen == 3  # the seed, the link and the linked folder's seed


def test_loop_and_unreadable_folder_reported_per_path(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in", count=1)
    (folder / "sub").mkdir()
    (folder / "sub" / "back").symlink_to(folder)  # a loop inside the root
    locked = folder / "locked"
    locked.mkdir()
    shutil.copy(SEEDS[1], locked / SEEDS[1].name)
    locked.chmod(0)
    try:
        summary = load_paths([folder], tmp_path / "w.duckdb", progress=False)
    finally:
        locked.chmod(0o755)
    skipped = {Path(s.path).name: s.reason for s in summary.skipped}
    assert "循环" in skipped["back"]
    assert "无法读取文件夹" in reasons(summary)["locked"]
    assert summary.loaded == 1 and summary.exit_code == 1


def test_every_file_not_loaded_is_listed_with_escaped_name(tmp_path: Path) -> None:
    folder = good_folder(tmp_path / "in", count=1)
    (folder / "附件.ofd").write_bytes(b"PK\x03\x04ofd")
    (folder / "~$lock.docx").write_bytes(b"x")
    (folder / "draft.txt~").write_text("x", encoding="utf-8")
    (folder / "\x1b[31mred.png").write_bytes(b"x")
    (folder / "README.md").write_text("说明", encoding="utf-8")
    result = subprocess.run(
        [PY, "-m", "etl", "load", str(folder), "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        env=env(),
        cwd=ROOT,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in out and "\\x1b[31mred.png：不支持的文件类型 .png" in out
    assert "附件.ofd：不支持的文件类型 .ofd" in out
    assert "~$lock.docx：Office 临时锁文件" in out
    assert "draft.txt~：临时文件" in out
    assert "未载入的文件 4 个" in out
    assert "跳过：不是文档 2 个" in out  # README.md and manifest.toml: counted, not listed


def test_single_unsupported_file_is_exit_1_not_an_empty_warehouse(tmp_path: Path) -> None:
    pdf = tmp_path / "公开.ofd"
    pdf.write_bytes(b"PK\x03\x04ofd")
    result = subprocess.run(
        [PY, "-m", "etl", "load", str(pdf), "--db", str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        env=env(),
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "公开.ofd：不支持的文件类型 .ofd" in result.stdout
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--workers", "0"], "--workers 应为 1–64 的整数"),
        (["--workers", "inf"], "--workers 应为 1–64 的整数"),
        (["--db", "/"], "--db 指向的是文件夹"),
    ],
)
def test_bad_arguments_one_line(tmp_path: Path, args: list[str], needle: str) -> None:
    result = subprocess.run(
        [PY, "-m", "etl", "load", str(tmp_path), *args],
        capture_output=True,
        text=True,
        env=env(),
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_manifest_values_are_type_checked(tmp_path: Path) -> None:
    from etl.parser import parse_file

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS[0], folder / SEEDS[0].name)
    for value, needle in (
        ("true", "fiscal_year 应为整数年份"),
        ("1", "fiscal_year 应在 1990–2100 之间"),
        ('"2021"', "fiscal_year 应为整数年份"),
    ):
        (folder / "manifest.toml").write_text(
            f'[[document]]\nmatch = "*.txt"\nfiscal_year = {value}\n', encoding="utf-8"
        )
        with pytest.raises(DocumentError, match=needle):
            parse_file(folder / SEEDS[0].name)
    (folder / "manifest.toml").write_text(
        '[[document]]\nmatch = "*.txt"\ncity = 12\n', encoding="utf-8"
    )
    with pytest.raises(DocumentError, match="city 应为字符串"):
        parse_file(folder / SEEDS[0].name)


def test_export_to_odd_paths_is_one_line(tmp_path: Path) -> None:
    from tests.support.records import build_sample_warehouse

    db = tmp_path / "w.duckdb"
    build_sample_warehouse(db, tmp_path / "docs")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for target in (blocker, blocker / "sub"):
        result = subprocess.run(
            [PY, "-m", "warehouse", "export", str(target), "--db", str(db)],
            capture_output=True,
            text=True,
            env=env(),
            cwd=ROOT,
        )
        assert result.returncode == 2
        assert result.stderr.startswith("导出失败：") and "Traceback" not in result.stderr

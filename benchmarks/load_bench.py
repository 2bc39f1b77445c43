"""End-to-end ``python -m etl load`` as users run it: wall time, peak memory, reloads.

Memory is measured two ways without psutil: the largest single process (``ru_maxrss`` from
``wait4``, which covers the loader's waited-for workers) and the peak of the summed RSS of
the whole process tree, sampled from /proc every 50 ms (an upper bound: pages shared
between forked workers are counted once per process).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

from warehouse.dbutil import scalar

# the loader's summary line: 新载入 N，更新替换 N，未变化跳过 N
_SUMMARY = re.compile(r"新载入 (\d+)，更新替换 (\d+)，未变化跳过 (\d+)")
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
ROOT = Path(__file__).resolve().parents[1]


def _tree_rss(root: int) -> int:
    parents: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                stat = handle.read()
            with open(f"/proc/{entry}/statm", encoding="utf-8") as handle:
                pages = int(handle.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(parents.get(pid, []))
    return total


def _db_bytes(db: Path) -> int:
    """Bytes of every file of the warehouse: versions, WAL, temp spill folder."""
    total = 0
    for path in list(db.parent.glob(db.name + "*")) + list(db.parent.glob("*.tmp")):
        try:
            if path.is_symlink():
                continue
            if path.is_dir():
                total += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            else:
                total += path.stat().st_size
        except OSError:  # removed while we looked
            continue
    return total


def run_load(args: list[str], db: Path) -> dict:
    """Run ``python -m etl load ARGS --db DB`` as a user would and measure it."""
    cmd = [sys.executable, "-m", "etl", "load", *args, "--db", str(db), "--no-progress"]
    env = {k: v for k, v in os.environ.items() if k != "WAREHOUSE_DB"}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak, disk = [0], [0]
        done = threading.Event()

        def sample() -> None:
            ticks = 0
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss(proc.pid))
                if ticks % 10 == 0:  # every 0.5 s: a directory scan is not free
                    disk[0] = max(disk[0], _db_bytes(db))
                ticks += 1
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        out.seek(0)
        text = out.read()
    found = _SUMMARY.search(text)
    counts = (
        dict(zip(("loaded", "replaced", "unchanged"), map(int, found.groups()), strict=True))
        if found
        else {}
    )
    return {
        "exit": proc.returncode,
        "wall_s": elapsed,
        "tree_peak_mb": peak[0] / 1e6,
        "counts": counts,
        "max_process_mb": usage.ru_maxrss * 1024 / 1e6,
        "disk_peak_mb": disk[0] / 1e6,
        "db_file_mb": (db.resolve().stat().st_size if db.exists() else 0) / 1e6,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "output": text,
    }


def warehouse_counts(db: Path) -> dict:
    """What the warehouse holds, per file, to compare with the manifest."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        docs = scalar(con, "SELECT count(*) FROM source_document")
        rejects = scalar(con, "SELECT count(*) FROM reject")
        per_file: dict[str, dict] = {}
        for path, n, total in con.execute(
            "SELECT source_file, count(*), sum(budget_total_yuan) FROM v_project_budget GROUP BY 1"
        ).fetchall():
            per_file.setdefault(Path(path).name, {})["projects"] = (n, total)
        for path, scope, n in con.execute(
            "SELECT source_file, scope, count(*) FROM v_indicator_target GROUP BY 1, 2"
        ).fetchall():
            per_file.setdefault(Path(path).name, {})[scope] = n
        superseded = {
            Path(old).name: Path(new).name
            for old, new in con.execute(
                "SELECT path, replaced_by_path FROM document_version WHERE status = 'superseded'"
            ).fetchall()
        }
    finally:
        con.close()
    return {
        "documents": docs,
        "rejects": rejects,
        "per_file": per_file,
        "superseded": superseded,
    }


def _same_document(old: dict, new: dict) -> bool:
    """Whether the ground truth makes two files one document (unit + year): then the
    newer supersedes the older by contract and the older is not expected in the warehouse."""
    return bool(old["unit_name"]) and all(
        old[k] == new[k] for k in ("unit_name", "county", "province", "year")
    )


def check_counts(counts: dict, manifest: list[dict]) -> list[str]:
    """Loaded documents, projects, indicators and budgets against the ground truth."""
    problems = []
    by_file = {m["file"]: m for m in manifest}
    replaced = counts.get("superseded", {})
    by_design = {
        old
        for old, new in replaced.items()
        if old in by_file and new in by_file and _same_document(by_file[old], by_file[new])
    }
    problems += [
        f"{old}: superseded by {new}, another document in the ground truth"
        for old, new in sorted(replaced.items())
        if old not in by_design
    ]
    expected_ok = [m for m in manifest if not m["error"] and m["file"] not in by_design]
    if counts["documents"] != len(expected_ok):
        problems.append(f"{counts['documents']} documents loaded, expected {len(expected_ok)}")
    if counts["rejects"] > len(manifest) - len(expected_ok):
        problems.append(
            f"{counts['rejects']} rejects, expected at most {len(manifest) - len(expected_ok)}"
        )
    for m in expected_ok:
        got = counts["per_file"].get(m["file"], {})
        n, total = got.get("projects", (0, 0))
        want_total = sum(p["total_yuan"] or 0 for p in m["projects"])
        slack = 1 if m["partial_project"] else 0
        if not m["n_projects"] <= n <= m["n_projects"] + slack:
            problems.append(f"{m['file']}: {n} projects, expected {m['n_projects']}")
        if not m["partial_project"] and abs(float(total or 0) - want_total) > 0.005:
            problems.append(f"{m['file']}: budget total {total}, expected {want_total}")
        got_ind = got.get("project", 0)
        if not (
            got_ind == m["n_indicators"] or (m["partial_project"] and got_ind >= m["n_indicators"])
        ):
            problems.append(
                f"{m['file']}: {got_ind} project indicators, expected {m['n_indicators']}"
            )
        if got.get("unit", 0) != m["n_unit_indicators"]:
            problems.append(
                f"{m['file']}: {got.get('unit', 0)} unit indicators, expected "
                f"{m['n_unit_indicators']}"
            )
    return problems


def _edit(path: Path, encoding: str) -> bytes:
    """Append a revision note (a real content change) and return the original bytes."""
    original = path.read_bytes()
    note = "\n本表已根据预算调整修订。\n"
    newline = "\r\n" if b"\r\n" in original[:4096] else "\n"
    path.write_bytes(original + note.replace("\n", newline).encode(encoding.replace("-sig", "")))
    return original


def incremental(folder: Path, manifest: list[dict], db: Path, extra: tuple[str, ...] = ()) -> dict:
    """Reload after changing one document: by file, and by rescanning the whole folder.

    ``extra``: more ``etl load`` options (``--keep-versions 0`` where old copies of a
    multi-GB warehouse would not fit on the disk)."""
    plain = [m for m in manifest if not m["broken"] and m["layout"] == "form"] or [
        m for m in manifest if not m["broken"]
    ]
    first, second = folder / plain[0]["file"], folder / plain[-1]["file"]
    result = {}
    unchanged = run_load([str(folder), *extra], db)
    result["unchanged_dir_s"], result["unchanged_dir_cpu_s"] = (
        unchanged["wall_s"],
        unchanged["cpu_s"],
    )
    result["unchanged_counts"] = unchanged["counts"]
    original = _edit(first, plain[0]["encoding"])
    try:
        one = run_load([str(first), *extra], db)
        result["one_file_s"], result["one_file_exit"] = one["wall_s"], one["exit"]
        result["one_file_cpu_s"] = one["cpu_s"]
    finally:
        first.write_bytes(original)
    original2 = _edit(second, plain[-1]["encoding"])
    try:
        rescan = run_load([str(folder), *extra], db)
        result["rescan_dir_s"], result["rescan_exit"] = rescan["wall_s"], rescan["exit"]
        result["rescan_dir_cpu_s"], result["rescan_counts"] = rescan["cpu_s"], rescan["counts"]
    finally:
        second.write_bytes(original2)
    run_load([str(folder), *extra], db)  # back to the pristine corpus (untimed)
    return result

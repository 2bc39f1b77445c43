"""A reader in another process keeps working during a load and sees the new data after."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.records import TEST_PARSER_VERSION, json_parse, record, write_record
from warehouse.load.loader import load_paths
from warehouse.serve.connect import open_readonly

READER = textwrap.dedent("""
    import sys, time
    from warehouse.serve.connect import open_readonly, resolve_current
    db = sys.argv[1]
    held = open_readonly(db)            # a long-lived connection, as a dashboard might keep
    seen, deadline = set(), time.time() + 60
    print("ready", flush=True)
    while time.time() < deadline:
        fresh = open_readonly(db)       # resolve the pointer again: picks up new versions
        n = fresh.execute("SELECT count(*) FROM v_project_budget").fetchone()[0]
        fresh.close()
        old = held.execute("SELECT count(*) FROM v_project_budget").fetchone()[0]
        if n not in seen:
            seen.add(n)
            print(f"fresh={n} held={old} file={resolve_current(db).name}", flush=True)
        if n == 9:
            break
        time.sleep(0.02)
    print("done", flush=True)
""")


def test_reader_process_survives_load_and_sees_new_data(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write_record(folder / "a.txt", record("甲镇", code="1"))
    write_record(folder / "b.txt", record("乙镇", code="2"))
    db = tmp_path / "warehouse.duckdb"
    opts = {"progress": False, "parse": json_parse, "version": TEST_PARSER_VERSION, "review": False}
    load_paths([folder], db, **opts)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        write_record(folder / "c.txt", record("丙乡", code="3"))
        # the reader holds the current version open in another process while we write
        summary = load_paths([folder], db, **opts)
        assert summary.loaded == 1
        out, err = reader.communicate(timeout=90)
    finally:
        reader.kill()
    assert reader.returncode == 0, err
    assert "Could not set lock" not in err
    lines = out.splitlines()
    assert lines[0].startswith("fresh=6 held=6 file=warehouse.duckdb.v000001")
    assert lines[-2].startswith("fresh=9 held=6 file=warehouse.duckdb.v000002")
    assert lines[-1] == "done"


def test_reader_in_same_process_during_load(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write_record(folder / "a.txt", record("甲镇", code="1"))
    db = tmp_path / "warehouse.duckdb"
    opts = {"progress": False, "parse": json_parse, "version": TEST_PARSER_VERSION, "review": False}
    load_paths([folder], db, **opts)
    held = open_readonly(db)
    write_record(folder / "b.txt", record("乙镇", code="2"))
    load_paths([folder], db, **opts)
    assert held.execute("SELECT count(*) FROM v_project_budget").fetchone()[0] == 3
    fresh = open_readonly(db)
    assert fresh.execute("SELECT count(*) FROM v_project_budget").fetchone()[0] == 6


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from warehouse.load.loader import load_paths
    from tests.support.records import TEST_PARSER_VERSION, json_parse
    s = load_paths([Path(sys.argv[2])], Path(sys.argv[1]), progress=False, parse=json_parse,
                   version=TEST_PARSER_VERSION, review=False)
    print(s.loaded, s.exit_code)
""")


@pytest.mark.slow  # two real load processes
def test_two_loads_at_once_are_serialised(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    for name in ("x", "y"):
        for i in range(3):
            write_record(tmp_path / name / f"{i}.txt", record(f"{name}镇{i}", code=f"{name}{i}"))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(tmp_path / name)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        for name in ("x", "y")
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert [out.split() for out, _ in results] == [["3", "0"], ["3", "0"]]
    con = open_readonly(db)
    assert con.execute("SELECT count(*) FROM source_document").fetchone()[0] == 6
    assert con.execute("SELECT count(*) FROM load_run").fetchone()[0] == 2

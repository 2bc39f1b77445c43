"""Synthetic corpus: determinism, and the parser round trip against the generator's truth.

If a round-trip assertion fails, the message lists file, project and field; the generator
is the reference for what each file contains (see synth/verify.py for the rules).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from synth.cli import main as synth_main
from synth.corpus import MANIFEST, build, iter_documents, make_plan, read_manifest, write_corpus
from synth.families import FAMILY_LAYOUTS
from synth.model import Portfolio

SEED = 20240
N_DOCS = 200


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """200 documents written to disk, with their rich ground truth."""
    folder = tmp_path_factory.mktemp("synth")
    docs = []
    for doc, data, truth in iter_documents(N_DOCS, SEED):
        (folder / truth["file"]).write_bytes(data)
        docs.append((doc, truth))
    return folder, docs


@pytest.mark.slow  # generator worker processes
def test_same_seed_same_bytes_any_worker_count(tmp_path: Path) -> None:
    write_corpus(60, tmp_path / "a", seed=5, jobs=1)
    write_corpus(60, tmp_path / "b", seed=5, jobs=2)
    write_corpus(60, tmp_path / "c", seed=6, jobs=1)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_smaller_corpus_is_a_prefix_of_a_larger_one(tmp_path: Path) -> None:
    write_corpus(20, tmp_path / "small", seed=3, jobs=1)
    write_corpus(50, tmp_path / "large", seed=3, jobs=1)
    for path in (tmp_path / "small").glob("*.txt"):
        assert path.read_bytes() == (tmp_path / "large" / path.name).read_bytes()


def test_cli_writes_files_and_manifest(tmp_path: Path) -> None:
    assert synth_main(["--docs", "12", "--out", str(tmp_path), "--seed", "9", "--jobs", "1"]) == 0
    manifest = read_manifest(tmp_path)
    assert len(manifest) == 12
    assert sorted(p.name for p in tmp_path.glob("*.txt")) == sorted(m["file"] for m in manifest)
    for record in manifest:
        assert (tmp_path / record["file"]).stat().st_size == record["bytes"]
    assert (tmp_path / MANIFEST).read_text(encoding="utf-8").count("\n") == 12


def test_corpus_covers_layouts_noise_and_recurring_projects(corpus) -> None:
    _, docs = corpus
    truths = [t for _, t in docs]
    assert {t["layout"] for t in truths} == {
        "form",
        "text_budget",
        "goals_only",
        "flat_table",
        *FAMILY_LAYOUTS,
    }
    assert {t["encoding"] for t in truths} >= {"utf-8", "gb18030", "utf-8-sig"}
    assert {t["newline"] for t in truths} == {"lf", "crlf"}
    assert len({t["year"] for t in truths}) >= 5
    kinds = Counter("".join(p["kinds"] for t in truths for p in t["projects"]))
    assert set(kinds) == set("pnmdq")
    # the same project (code and name) recurs across a township's years with drifting budgets
    by_code: dict[str, list[tuple[int, str, float]]] = {}
    for t in truths:
        for p in t["projects"]:
            if p["code"]:
                by_code.setdefault(p["code"], []).append((t["year"], p["name"], p["total_yuan"]))
    recurring = [v for v in by_code.values() if len({year for year, _, _ in v}) >= 3]
    assert recurring
    for runs in recurring:
        assert len({name for _, name, _ in runs}) == 1
        totals = [total for _, _, total in runs]
        assert max(totals) <= min(totals) * (1.15 / 0.85) + 100


def test_plan_is_deterministic_and_uses_real_places() -> None:
    plan = make_plan(300, 11)
    assert [(i.town.code, i.year, i.layout) for i in plan] == [
        (i.town.code, i.year, i.layout) for i in make_plan(300, 11)
    ]
    assert len({i.town.province for i in plan}) >= 10
    assert all(2019 <= i.year <= 2025 for i in plan)


def test_a_corpus_beyond_seven_years_reaches_back_without_duplicate_years() -> None:
    from synth.places import load_townships

    towns = load_townships()[:50]  # 50 townships x 7 years = 350 documents at most before
    plan = make_plan(600, 3, townships=towns)
    assert len(plan) == 600
    per_town_year = Counter((i.tidx, i.year) for i in plan)
    assert max(per_town_year.values()) == 1  # one document per township and year
    assert min(i.year for i in plan) == 2025 - 12 + 1  # ceil(600 / 50) = 12 years
    # an early year has projects of its own, not a one-project stub
    early = [build(3, i, {})[0] for i in plan if i.year < 2019]
    assert sum(len(doc.projects) for doc in early) > 2 * len(early)


def test_round_trip_recovers_generated_content(corpus) -> None:
    pytest.importorskip("etl.parser")
    from etl.errors import DocumentError
    from etl.parser import parse_file
    from synth.verify import compare

    folder, docs = corpus
    problems: list[str] = []
    for doc, truth in docs:
        path = folder / truth["file"]
        try:
            record = parse_file(path)
        except DocumentError as exc:
            if not truth["error"]:
                problems.append(f"{truth['file']} ({truth['layout']}): refused: {exc.reason}")
            continue
        if truth["error"]:
            problems.append(f"{truth['file']}: {truth['broken']} file parsed without an error")
            continue
        problems.extend(
            f"{truth['file']} ({truth['layout']}): {d}" for d in compare(record, truth, doc)
        )
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


def _documents_with_projects(count: int, minimum: int = 2):
    cache: dict[int, Portfolio] = {}
    picked, seen_layouts = [], set()
    for item in make_plan(400, SEED):
        doc, _, _ = build(SEED, item, cache)
        if len(doc.projects) >= minimum and item.layout not in seen_layouts:
            seen_layouts.add(item.layout)
            picked.append(item)
        if len(picked) == count:
            break
    return picked


@pytest.mark.parametrize("kind", ["empty", "binary", "notable"])
def test_broken_files_are_refused_with_one_line(tmp_path: Path, kind: str) -> None:
    pytest.importorskip("etl.parser")
    from etl.errors import DocumentError
    from etl.parser import parse_file

    for item in _documents_with_projects(4):
        _, data, truth = build(SEED, item, {}, force_broken=kind)
        assert truth["error"]
        path = tmp_path / truth["file"]
        path.write_bytes(data)
        with pytest.raises(DocumentError) as info:
            parse_file(path)
        assert "\n" not in str(info.value)


def _truncated(cut: str):
    """Truncated documents, one per layout, cut on a character or a byte boundary."""
    out, layouts = [], set()
    cache: dict[int, Portfolio] = {}
    for item in make_plan(400, SEED):
        if item.layout in layouts or len(build(SEED, item, cache)[0].projects) < 2:
            continue
        doc, data, truth = build(SEED, item, cache, force_broken="truncated")
        if truth["cut"] == cut:
            layouts.add(item.layout)
            out.append((doc, data, truth))
    return out


@pytest.mark.parametrize("cut", ["char", "byte"])
def test_truncated_file_keeps_its_complete_projects(tmp_path: Path, cut: str) -> None:
    pytest.importorskip("etl.parser")
    from etl.parser import parse_file
    from synth.verify import compare

    cases = _truncated(cut)
    assert len(cases) >= 3
    for doc, data, truth in cases:
        path = tmp_path / truth["file"]
        path.write_bytes(data)
        record = parse_file(path)
        assert compare(record, truth, doc) == [], truth["file"]


def test_manifest_lines_are_plain_json(tmp_path: Path) -> None:
    write_corpus(5, tmp_path, seed=1, jobs=1)
    for line in (tmp_path / MANIFEST).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert {"file", "layout", "year", "township", "projects", "error"} <= set(record)


def test_newer_families_leave_the_older_documents_unchanged(tmp_path: Path) -> None:
    """A share of F2/F3/F4/F7 documents replaces some files; every other file keeps its
    bytes, and share 0 gives the four older layouts only."""
    write_corpus(80, tmp_path / "old", seed=4, jobs=1, family_share=0)
    write_corpus(80, tmp_path / "new", seed=4, jobs=1, family_share=0.5)
    old = {m["file"]: m for m in read_manifest(tmp_path / "old")}
    new = read_manifest(tmp_path / "new")
    assert {m["layout"] for m in old.values()} <= {
        "form",
        "text_budget",
        "goals_only",
        "flat_table",
    }
    replaced = [m for m in new if m["layout"] in FAMILY_LAYOUTS]
    assert 20 <= len(replaced) <= 60
    for m in new:
        if m["layout"] not in FAMILY_LAYOUTS:
            assert m == old[m["file"]]
            assert (tmp_path / "new" / m["file"]).read_bytes() == (
                tmp_path / "old" / m["file"]
            ).read_bytes()


def test_newer_families_ground_truth(corpus) -> None:
    """Per-place documents: a county department, one indicator per (row, township) and the
    places in the manifest; side-by-side documents carry long-term indicators; the 部门整体
    table has unit indicators and no project."""
    _, docs = corpus
    by_layout: dict[str, list] = {}
    for doc, truth in docs:
        by_layout.setdefault(truth["layout"], []).append((doc, truth))
    assert set(FAMILY_LAYOUTS) <= set(by_layout)
    for doc, truth in by_layout["f4_places"]:
        assert truth["township"] is None and truth["unit_kind"] == "county_department"
        for project, p in zip(doc.projects, truth["projects"], strict=False):
            places = p["places"]
            assert 1 <= len(places) <= 4 and p["n_indicators"] % len(places) == 0
            assert [i.place for i in project.indicators[: len(places)]] == places
    assert any(p["n_long_term"] for _, t in by_layout["f7_halves"] for p in t["projects"])
    for doc, _ in by_layout["f7_halves"]:
        for project in doc.projects:
            annual = [i for i in project.indicators if i.horizon == "annual"]
            assert annual and all(i.place is None for i in project.indicators)
    for doc, truth in by_layout["f3_unit"]:
        assert truth["n_projects"] == 0 and truth["n_unit_indicators"] == len(doc.unit_indicators)
    for _, truth in by_layout["f2_apply"]:
        if truth["broken"]:
            continue
        text = (corpus[0] / truth["file"]).read_bytes().decode(truth["encoding"])
        assert "资金情况(万元)" in text and truth["unit_kind"] == "township"


def test_cli_family_share_option(tmp_path: Path) -> None:
    assert (
        synth_main(
            ["--docs", "8", "--out", str(tmp_path), "--seed", "2", "--jobs", "1"]
            + ["--family-share", "0"]
        )
        == 0
    )
    assert all(m["layout"] not in FAMILY_LAYOUTS for m in read_manifest(tmp_path))
    with pytest.raises(SystemExit):
        synth_main(["--docs", "8", "--out", str(tmp_path), "--family-share", "2"])

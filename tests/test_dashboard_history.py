"""Project identity across years, v_project_history / v_target_change, source text.

Warehouses are built with the real loader from synthetic documents (etl synth).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from benchmarks.identity_eval import evaluate
from dashboard.data import history as history_queries
from dashboard.data.common import connection_runner
from dashboard.data.filter_model import Filters
from synth.corpus import read_manifest, write_corpus
from warehouse.load import identity
from warehouse.load.loader import load_paths


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> tuple[Path, Path]:
    """A 120-document synthetic corpus (2019–2025, recurring projects) and its warehouse."""
    root = tmp_path_factory.mktemp("history")
    corpus = root / "corpus"
    write_corpus(120, corpus, seed=7, jobs=1)
    db = root / "w.duckdb"
    load_paths([corpus], db, progress=False, workers=1)
    return corpus, db


@pytest.mark.slow  # the 120-document corpus
def test_linking_precision_and_recall_on_synthetic_ground_truth(corpus_db) -> None:
    corpus, db = corpus_db
    quality = evaluate(db, corpus)
    assert quality.true_pairs > 500
    assert quality.precision >= 0.98, quality
    assert quality.recall >= 0.98, quality


@pytest.mark.slow
def test_history_has_one_row_per_identity_and_year(corpus_db) -> None:
    _, db = corpus_db
    con = duckdb.connect(str(db), read_only=True)
    try:
        dup = con.execute(
            "SELECT count(*) FROM (SELECT identity_key, fiscal_year FROM v_project_history "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        wrong = con.execute(
            "SELECT count(*) FROM v_project_history WHERE prev_budget_yuan IS NOT NULL "
            "AND abs(change_yuan - (budget_total_yuan - prev_budget_yuan)) > 0.001"
        ).fetchone()[0]
        multi = con.execute(
            "SELECT count(*) FROM v_project_history WHERE years_on_record > 1"
        ).fetchone()[0]
        statuses = {
            r[0] for r in con.execute("SELECT DISTINCT change FROM v_target_change").fetchall()
        }
    finally:
        con.close()
    assert dup == 0 and wrong == 0 and multi > 100
    assert {"raised", "lowered", "unchanged"} <= statuses


def _form_document(folder: Path) -> Path:
    write_corpus(8, folder, seed=7, jobs=1)
    for doc in read_manifest(folder):
        if doc["layout"] == "form" and doc["encoding"] == "utf-8" and not doc["broken"]:
            return folder / doc["file"]
    raise AssertionError("no plain form document in the first 8")


def test_target_change_respects_direction_and_budget(tmp_path: Path) -> None:
    """The same document one year later with one positive target lowered, one cost cap
    lowered (a stricter ≤ target), the first budget raised and a deadline moved by a year."""
    source = _form_document(tmp_path / "gen")
    text = source.read_text(encoding="utf-8")
    year = int(next(t for t in read_manifest(tmp_path / "gen") if t["file"] == source.name)["year"])
    lines = text.split("\n")
    start = lines.index("\t预算数")
    old_budget = lines[start + 1].strip()
    new_budget = f"{float(old_budget) + 10:.2f}"
    positive = next(i for i, line in enumerate(lines) if line.startswith("\t≥") and "%" in line)
    cap = next(i for i, line in enumerate(lines) if line.startswith("\t≤") and "万元" in line)
    old_pct = float(lines[positive].strip()[1:-1])
    lines[positive] = f"\t≥{old_pct - 5:g}%"
    old_cap = float(lines[cap].strip()[1:].replace("万元", ""))
    lines[cap] = f"\t≤{old_cap / 2:.2f}万元"
    for i in range(start, start + 6):  # total and fiscal funds of the first project
        if lines[i].strip() == old_budget:
            lines[i] = f"\t{new_budget}"
    later = "\n".join(lines).replace(f"{year}年", f"{year + 1}年")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(text, encoding="utf-8")
    (docs / "b.txt").write_text(later, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = load_paths([docs], db, progress=False, workers=1)
    assert summary.exit_code == 0, summary.rejected
    con = duckdb.connect(str(db), read_only=True)
    try:
        run = connection_runner(con)
        change = run(
            "SELECT indicator_name, prev_target_raw, target_raw, change, budget_change_yuan, "
            "fiscal_year, prev_fiscal_year FROM v_target_change",
            None,
        )
        history = run("SELECT * FROM v_project_history ORDER BY identity_key, fiscal_year", None)
        lowered = history_queries.lowered_targets_budget_rose(run, Filters())
        card_text = run("SELECT text FROM project_source_text", None)
        names = run("SELECT project_name FROM v_project_budget", None)
    finally:
        con.close()
    assert set(change["fiscal_year"]) == {year + 1}
    assert set(change["prev_fiscal_year"]) == {year}
    by_target = {(r.prev_target_raw, r.target_raw): r.change for r in change.itertuples()}
    assert by_target[(f"≥{old_pct:g}%", f"≥{old_pct - 5:g}%")] == "lowered"
    assert by_target[(f"≤{old_cap:.2f}万元", f"≤{old_cap / 2:.2f}万元")] == "raised"
    others = change[~change["target_raw"].isin([f"≥{old_pct - 5:g}%", f"≤{old_cap / 2:.2f}万元"])]
    assert set(others["change"]) == {"unchanged"}, others.to_string()  # deadlines moved too
    assert history["years_on_record"].eq(2).all()
    raised = history[history["change_yuan"].fillna(0) != 0]
    assert len(raised) == 1
    assert raised["change_yuan"].iloc[0] == pytest.approx(100_000)
    if change.loc[change["change"] == "lowered", "budget_change_yuan"].iloc[0] > 0:
        assert len(lowered) == 1 and lowered["target_raw"].iloc[0] == f"≥{old_pct - 5:g}%"
    # source text: every project's stored lines start with its own table
    assert len(card_text) == len(names)
    assert all("预算" in t or "指标" in t for t in card_text["text"])


def test_clean_name_and_score() -> None:
    assert identity.clean_name("1、2021年 农村道路 养护（专项）") == "农村道路养护专项"
    assert identity.clean_name("2022年度农村道路养护专项") == "农村道路养护专项"
    assert identity.name_score("农村道路养护专项", "农村道路养护专项资金") >= identity.FUZZY_MIN
    # a 文号 is part of the name: different numbers never link
    assert identity.name_score("财预45号提前下达垃圾清运", "财预46号提前下达垃圾清运") == 0.0


def _rows(*items: tuple[int, int | None, str, str]) -> list[identity._Row]:
    label = frozenset({identity.clean_name("示例镇")})
    return [identity._Row(k, y, c, identity.clean_name(n), label) for k, y, c, n in items]


def test_group_linking_code_fuzzy_same_year_and_analyst_file(tmp_path: Path) -> None:
    rows = _rows(
        (1, 2020, "C1", "农村道路养护专项"),
        (2, 2021, "C1", "农村公路养护专项"),  # same code, renamed
        (3, 2022, "", "农村公路养护专项工作"),  # no code, fuzzy
        (4, 2022, "", "农村公路养护工程"),  # another project of the same year
        (5, 2021, "", "文化站运行经费"),
        (6, 2022, "", "综合文化站运行"),
    )
    out = {r[0]: r for r in identity._link_group("g", rows, identity.Links())}
    assert out[1][1] == out[2][1] == out[3][1]
    assert out[2][2] == "code" and out[3][2] == "fuzzy" and 0.88 <= out[3][3] < 1
    assert out[4][1] != out[3][1]
    assert out[5][1] != out[6][1]  # too different to link on its own
    links_file = tmp_path / "project_links.toml"
    links_file.write_text(
        '[[confirm]]\nunit = "示例镇"\nnames = ["文化站运行经费", "综合文化站运行"]\n'
        '[[split]]\nunit = "示例镇"\nnames = ["农村公路养护专项", "农村公路养护专项工作"]\n',
        encoding="utf-8",
    )
    links = identity.read_links(links_file)
    out = {r[0]: r for r in identity._link_group("g", rows, links)}
    assert out[5][1] == out[6][1] and out[6][2] == "confirmed"
    assert out[3][1] != out[2][1]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[confirm]]\nunit = "示例镇"\nnames = ["只有一个"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml"):
        identity.read_links(bad)


@pytest.mark.slow
def test_incremental_refresh_equals_full_rebuild(corpus_db, tmp_path: Path) -> None:
    """Loading the last year on its own (an incremental refresh of the touched units) gives
    the same identities and cross-year rows as loading everything at once."""
    corpus, full_db = corpus_db
    early, late = tmp_path / "early", tmp_path / "late"
    early.mkdir()
    late.mkdir()
    docs = [d for d in read_manifest(corpus)]
    last = max(d["year"] for d in docs)
    for doc in docs:
        target = late if doc["year"] == last else early
        (target / doc["file"]).write_bytes((corpus / doc["file"]).read_bytes())
    assert 0 < sum(d["year"] == last for d in docs) < 0.25 * len(docs)
    db = tmp_path / "w.duckdb"
    load_paths([early], db, progress=False, workers=1)
    load_paths([late], db, progress=False, workers=1)

    def rows(path: Path, sql: str) -> list[tuple]:
        con = duckdb.connect(str(path), read_only=True)
        try:
            return sorted(con.execute(sql).fetchall(), key=repr)
        finally:
            con.close()

    history = (
        "SELECT identity_key, fiscal_year, budget_total_yuan, prev_fiscal_year, change_yuan, "
        "split_part(project_name, '', 1) FROM v_project_history"
    )
    change = (
        "SELECT identity_key, fiscal_year, indicator_name, change, budget_change_yuan "
        "FROM v_target_change"
    )
    assert rows(db, history) == rows(full_db, history)
    assert rows(db, change) == rows(full_db, change)


@pytest.mark.slow
def test_linking_survives_drifting_names(corpus_db, tmp_path: Path) -> None:
    """Half of the project names renamed the way real budgets drift (2021年…, …资金,
    …项目, a stray full-width space): precision and recall stay ≥ 0.98."""
    from benchmarks.identity_eval import perturb_corpus

    corpus, _ = corpus_db
    drifted = tmp_path / "drifted"
    assert perturb_corpus(corpus, drifted) > 100
    db = tmp_path / "w.duckdb"
    load_paths([drifted], db, progress=False, workers=1)
    quality = evaluate(db, drifted)
    assert quality.precision >= 0.98, quality
    assert quality.recall >= 0.98, quality


def test_analyst_link_file_change_is_applied_by_the_next_load(tmp_path: Path, monkeypatch) -> None:
    """A project renamed beyond recognition is two identities until an analyst confirms the
    link in the links file; the next load (no document changed) applies it."""
    source = _form_document(tmp_path / "gen")
    text = source.read_text(encoding="utf-8")
    manifest = next(t for t in read_manifest(tmp_path / "gen") if t["file"] == source.name)
    year, old = int(manifest["year"]), manifest["projects"][0]["name"]
    new = "完全改名的示范工程"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(text, encoding="utf-8")
    later = text.replace(f"{year}年", f"{year + 1}年").replace(old, new)
    code = manifest["projects"][0]["code"]
    if code:  # a new code too, or the code would link the two years
        later = later.replace(code, code[:-4] + "ZZZZ")
    (docs / "b.txt").write_text(later, encoding="utf-8")
    links = tmp_path / "project_links.toml"
    monkeypatch.setattr(identity, "LINKS_FILE", links)
    db = tmp_path / "w.duckdb"
    load_paths([docs], db, progress=False, workers=1)

    def identities() -> set[int]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return {
                r[0]
                for r in con.execute(
                    "SELECT identity_key FROM v_project_history WHERE project_name IN (?, ?)",
                    [old, new],
                ).fetchall()
            }
        finally:
            con.close()

    assert len(identities()) == 2
    links.write_text(
        f'[[confirm]]\nunit = "{manifest["township"]}"\nnames = ["{old}", "{new}"]\n',
        encoding="utf-8",
    )
    summary = load_paths([docs], db, progress=False, workers=1)
    assert summary.written and summary.loaded == 0
    assert len(identities()) == 1
    again = load_paths([docs], db, progress=False, workers=1)
    assert not again.written  # nothing changed any more: no new version


@pytest.mark.slow
def test_identities_read_in_small_batches_equal_one_batch(corpus_db, monkeypatch) -> None:
    """compute() links the projects as they stream from the warehouse, FETCH_ROWS at a
    time: a unit's group cut by a batch boundary links exactly as when read whole."""
    _, db = corpus_db
    con = duckdb.connect(str(db), read_only=True)
    try:
        whole = identity.compute(con).sort_by("project_key")
        monkeypatch.setattr(identity, "FETCH_ROWS", 7)
        batched = identity.compute(con).sort_by("project_key")
    finally:
        con.close()
    assert whole.num_rows > 300
    assert len(set(whole.column("identity_key").to_pylist())) < whole.num_rows  # links exist
    assert batched.equals(whole)

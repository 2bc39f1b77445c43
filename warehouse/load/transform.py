"""Turn one normalized goal record (CONTRACT section 2) into warehouse rows, table by table.

Pure functions: no database access, so they run the same in tests and in the loader.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from warehouse.load.classify import MEMO_MAX, Classifier
from warehouse.schema import keys

FUND_TOLERANCE_YUAN = 0.5
FUND_WARNING = "fund_parts_mismatch"
NO_INDICATOR_WARNING = "project_without_indicators"
# Parser warning codes that already flag the same facts (etl/checks.py); no second warning.
FUND_CODES = frozenset({FUND_WARNING, "fund_mismatch"})
NO_INDICATOR_CODES = frozenset({NO_INDICATOR_WARNING})
DUPLICATE_PROJECT_WARNING = "duplicate_project"


@dataclass
class SourceInfo:
    """What the loader knows about the file, independent of its content."""

    path: str  # absolute, resolved
    sha256: str
    size_bytes: int
    parser_version: str
    run_id: int
    loaded_at: dt.datetime

    @property
    def document_id(self) -> int:
        return keys.document_key(self.path)


# Tables the loader only inserts (never reads row by row): they travel from the worker to
# the loader as column lists, which pickle smaller and become Arrow without a per-row step.
COLUMNAR = ("fact_indicator_target", "dim_indicator", "project_source_text")
_DEDUPED = {"dim_indicator": "indicator_key"}  # one row per key and document


@dataclass
class DocumentRows:
    """Rows for every table, for one document: row dicts, or (``columns``) column lists."""

    document_id: int
    tables: dict[str, list[dict]] = field(default_factory=dict)
    columns: dict[str, dict[str, list]] = field(default_factory=dict)

    def add(self, table: str, row: dict) -> None:
        self.tables.setdefault(table, []).append(row)

    def count(self, table: str) -> int:
        if table in self.columns:
            return len(next(iter(self.columns[table].values()), []))
        return len(self.tables.get(table, []))

    def to_columns(self) -> None:
        """Turn the insert-only tables into column lists (in the worker). Dimension rows are
        de-duplicated by key first, the last row of a key winning as in the loader's upsert."""
        for table in COLUMNAR:
            rows = self.tables.pop(table, None)
            if not rows:
                continue
            key = _DEDUPED.get(table)
            if key is not None:
                rows = list({row[key]: row for row in rows}.values())
            self.columns[table] = {name: [row[name] for row in rows] for name in rows[0]}


def _num(value: object) -> float | None:
    """A finite float, or None for anything that is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if number == number and abs(number) != float("inf") else None
    return None


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _date(value: object) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def project_naturals(record: dict) -> list[tuple[int, str]]:
    """(seq, natural key) per project; a natural key repeated inside the document gets its seq."""
    seen: set[str] = set()
    out = []
    for index, project in enumerate(record.get("projects") or [], start=1):
        seq = _int(project.get("seq")) or index
        natural = keys.project_natural_key(project)
        if natural in seen:
            natural = f"{natural}|seq:{seq}"
        seen.add(natural)
        out.append((seq, natural))
    return out


def record_to_rows(
    record: dict,
    source: SourceInfo,
    classifier: Classifier,
    *,
    columnar: bool = False,
) -> DocumentRows:
    """All rows of one document (runs in parse workers: no database access). Projects whose
    key another document already owns are re-keyed afterwards by ``resolve_duplicates``.
    ``columnar``: the indicator tables come as column lists, as ``to_columns`` makes them."""
    doc_id = source.document_id
    rows = DocumentRows(doc_id)
    unit = record.get("unit") or {}
    unit_key = keys.unit_key(unit, source.path)
    year = _int(record.get("fiscal_year"))
    warnings: list[dict] = []

    rows.add(
        "dim_unit",
        {
            "unit_key": unit_key,
            "unit_code": _str(unit.get("code")),
            "unit_name": _str(unit.get("name")),
            "province": _str(unit.get("province")),
            "city": _str(unit.get("city")),
            "county": _str(unit.get("county")),
            "township": _str(unit.get("township")),
            "unit_kind": _str(unit.get("kind")),
        },
    )
    if year is not None:
        rows.add(
            "dim_fiscal_year",
            {
                "fiscal_year": year,
                "label": f"{year}年",
                "start_date": dt.date(year, 1, 1),
                "end_date": dt.date(year, 12, 31),
            },
        )

    parser_warnings = record.get("warnings") or []
    fund_flagged = {
        keys.norm_text(w.get("project")) for w in parser_warnings if w.get("code") in FUND_CODES
    }
    empty_flagged = {
        keys.norm_text(w.get("project"))
        for w in parser_warnings
        if w.get("code") in NO_INDICATOR_CODES
    }
    project_keys_by_seq: dict[int, int] = {}
    project_keys_by_name: dict[str, int] = {}
    projects = record.get("projects") or []
    indicators = _Indicators(rows, classifier, columnar)
    for (seq, natural), project in zip(project_naturals(record), projects, strict=True):
        pkey = keys.project_key(unit_key, year, natural)
        name = _str(project.get("name")) or ""
        project_keys_by_seq[seq] = pkey
        project_keys_by_name.setdefault(keys.norm_text(name), pkey)
        _add_project(rows, project, seq, pkey, unit_key, year, doc_id, classifier)
        for ordinal, ind in enumerate(project.get("indicators") or [], start=1):
            indicators.add(ind, "project", seq, ordinal, pkey, unit_key, year)
        warnings.extend(_project_checks(project, name, pkey, fund_flagged, empty_flagged))

    for ordinal, ind in enumerate(record.get("unit_indicators") or [], start=1):
        indicators.add(ind, "unit", 0, ordinal, None, unit_key, year)
    indicators.emit()

    parsed = [
        _warning(
            _str(w.get("code")) or "warning",
            _str(w.get("message")) or "",
            _int(w.get("line")),
            _str(w.get("project")),
            project_keys_by_name.get(keys.norm_text(w.get("project")))
            if w.get("project")
            else None,
            origin="parser",
        )
        for w in parser_warnings
    ]
    for ordinal, w in enumerate(parsed + warnings, start=1):
        w.update(
            document_id=doc_id,
            ordinal=ordinal,
            warning_key=keys.row_key("warning", doc_id, ordinal),
        )
        rows.add("load_warning", w)

    source_row = {
        "document_id": doc_id,
        "path": source.path,
        "file_name": os.path.basename(source.path),
        "sha256": source.sha256,
        "size_bytes": source.size_bytes,
        "layout": _str((record.get("source") or {}).get("layout")),
        "parser_version": source.parser_version,
        "unit_key": unit_key,
        "fiscal_year": year,
        "overall_goal": _str(record.get("overall_goal")),
        "project_count": len(projects),
        "indicator_count": rows.count("fact_indicator_target"),
        "warning_count": rows.count("load_warning"),
        "loaded_at": source.loaded_at,
        "run_id": source.run_id,
    }
    rows.add("source_document", source_row)
    return rows


# every per-document table with a project_key (re-keying; the checks' deleted-parent scope)
PROJECT_KEYED_TABLES = (
    "dim_project",
    "fact_project_budget",
    "fact_indicator_target",
    "load_warning",
    "goal_review_project",
    "goal_review_finding",
    "project_source_text",
)


def project_keys(doc: DocumentRows) -> list[int]:
    """The project keys a document's rows use."""
    return [row["project_key"] for row in doc.tables.get("dim_project", [])]


def foreign_project_keys(
    docs: Iterable[tuple[int, list[int]]], owners: dict[int, int]
) -> dict[int, set[int]]:
    """Per document id, the project keys another document owns. ``docs`` are (document id,
    project keys) in load order; ``owners`` (project key -> document id) holds the keys
    already stored and is updated: the first document to use a key owns it. Shared by the
    DuckDB loader (per batch) and the Spark parse (once, over all documents)."""
    foreign: dict[int, set[int]] = {}
    for document_id, keys_ in docs:
        theirs = {k for k in keys_ if owners.get(k, document_id) != document_id}
        for k in keys_:
            owners.setdefault(k, document_id)
        if theirs:
            foreign[document_id] = theirs
    return foreign


def resolve_duplicates(doc: DocumentRows, foreign: set[int]) -> int:
    """Re-key projects whose key another document owns (the same unit, year and project in
    two files) so keys stay unique, and warn: the budgets may be counted twice.
    Deterministic: the new key is md5(old key, document id). Returns projects re-keyed."""
    mapping = {
        k: keys.md5_key("project-copy", k, doc.document_id)
        for k in project_keys(doc)
        if k in foreign
    }
    if not mapping:
        return 0
    for table in PROJECT_KEYED_TABLES:
        for row in doc.tables.get(table, []):
            if row.get("project_key") in mapping:
                row["project_key"] = mapping[row["project_key"]]
        column = doc.columns.get(table, {}).get("project_key")
        if column is not None:
            column[:] = [mapping.get(k, k) if k is not None else None for k in column]
    warnings = doc.tables.setdefault("load_warning", [])
    for project in doc.tables["dim_project"]:
        if project["project_key"] not in mapping.values():
            continue
        ordinal = len(warnings) + 1
        year = project["fiscal_year"]
        warning = _warning(
            DUPLICATE_PROJECT_WARNING,
            f"项目“{project['project_name']}”（{year or '年度未知'}）"
            "已由另一文件载入，可能重复计算",
            None,
            project["project_name"],
            project["project_key"],
        )
        warning.update(
            document_id=doc.document_id,
            ordinal=ordinal,
            warning_key=keys.row_key("warning", doc.document_id, ordinal),
        )
        warnings.append(warning)
    for source in doc.tables.get("source_document", []):
        source["warning_count"] = len(warnings)
    return len(mapping)


def _warning(
    code: str,
    message: str,
    line: int | None,
    project: str | None,
    project_key: int | None,
    *,
    origin: str = "warehouse",
) -> dict:
    return {
        "origin": origin,
        "code": code,
        "message": message,
        "line": line,
        "project_name": project,
        "project_key": project_key,
    }


def _add_project(
    rows: DocumentRows,
    project: dict,
    seq: int,
    pkey: int,
    unit_key: int,
    year: int | None,
    doc_id: int,
    classifier: Classifier,
) -> None:
    name = _str(project.get("name"))
    purpose = _str(project.get("purpose"))
    budget = project.get("budget") or {}
    plan = project.get("spend_plan_pct") or [None] * 4
    plan = (list(plan) + [None] * 4)[:4]
    goals = [str(g) for g in (project.get("goals") or []) if _str(g)]
    rows.add(
        "dim_project",
        {
            "project_key": pkey,
            "unit_key": unit_key,
            "fiscal_year": year,
            "document_id": doc_id,
            "project_code": _str(project.get("code")),
            "project_name": name,
            "project_category": classifier.project_category(name, purpose, goals),
        },
    )
    rows.add(
        "fact_project_budget",
        {
            "project_key": pkey,
            "fiscal_year": year,
            "unit_key": unit_key,
            "document_id": doc_id,
            "seq": seq,
            "budget_total_yuan": _num(budget.get("total_yuan")),
            "fiscal_funds_yuan": _num(budget.get("fiscal_yuan")),
            "other_funds_yuan": _num(budget.get("other_yuan")),
            "plan_q1_pct": _num(plan[0]),
            "plan_q2_pct": _num(plan[1]),
            "plan_q3_pct": _num(plan[2]),
            "plan_q4_pct": _num(plan[3]),
            "purpose": purpose,
            "goals": goals,
            "indicator_count": len(project.get("indicators") or []),
            "source_line": _int(project.get("source_line")),
        },
    )


# Column order of the two indicator tables (the row dicts' keys, the column lists' names).
_DIM_INDICATOR = (
    "indicator_key",
    "level1",
    "level2",
    "indicator_name",
    "target_kind",
    "target_unit",
    "indicator_family",
)
_FACT_INDICATOR = (
    "target_key",
    "document_id",
    "scope",
    "project_key",
    "unit_key",
    "fiscal_year",
    "indicator_key",
    "ordinal",
    "level1_raw",
    "level2_raw",
    "description",
    "target_raw",
    "target_op",
    "target_value",
    "target_value_max",
    "target_unit",
    "target_value_yuan",
    "target_kind",
    "deadline",
    "basis",
    "weight",
    "direction",
    "source_line",
    "horizon",
    "place",
    "graded",
    "target_per",
    "target_meaning",
    "direction_source",
    "period_start",
    "period_end",
)


class _Indicators:
    """The indicator rows of one document as tuples, in document order; ``emit`` turns them
    into row dicts (``dim_indicator`` rows one per indicator, as the loader's upsert expects)
    or straight into the de-duplicated column lists ``DocumentRows.to_columns`` would build."""

    def __init__(self, rows: DocumentRows, classifier: Classifier, columnar: bool) -> None:
        self.rows = rows
        self.classifier = classifier
        self.columnar = columnar
        self.dims: list[tuple] = []
        self.facts: list[tuple] = []

    def add(
        self,
        ind: dict,
        scope: str,
        seq: int,
        ordinal: int,
        pkey: int | None,
        unit_key: int,
        year: int | None,
    ) -> None:
        get = ind.get
        target = get("target") or {}
        tget = target.get
        level1 = _str(get("level1")) or ""
        level2 = _str(get("level2")) or ""
        name = _str(get("name")) or ""
        kind = _str(tget("kind"))
        unit = _str(tget("unit"))
        # the dim_indicator row of a definition (definitions repeat across documents)
        memo = self.classifier.derived_memo
        memo_key = (level1, level2, name, kind, unit)
        dim = memo.get(memo_key)
        if dim is None:
            ikey = keys.indicator_key(level1, level2, name, kind, unit)
            family = self.classifier.indicator_family(name, level2, kind, unit)
            dim = (ikey, level1, level2, name, kind, unit, family)
            if len(memo) >= MEMO_MAX:
                memo.clear()
            memo[memo_key] = dim
        if not self.facts and not self.columnar:  # the tables appear where the first
            self.rows.tables["dim_indicator"] = []  # indicator is, as they always did
            self.rows.tables["fact_indicator_target"] = []
        self.dims.append(dim)
        doc_id = self.rows.document_id
        value = tget("value")
        value_max = tget("value_max")
        graded = get("graded")
        self.facts.append(
            (
                keys.md5_text(f"target|{doc_id}|{scope}|{seq}|{ordinal}"),
                doc_id,
                scope,
                pkey,
                unit_key,
                year,
                dim[0],
                ordinal,
                _str(get("level1_raw")),
                _str(get("level2_raw")),
                _str(get("description")),
                _str(tget("raw")),
                _str(tget("op")),
                _num(value),
                _num(value_max),
                unit,
                _num(tget("value_yuan")),
                kind,
                _date(value) if kind == "deadline" else None,
                _str(get("basis")),
                _num(get("weight")),
                _str(get("direction")),
                _int(get("source_line")),
                _str(get("horizon")) or "annual",
                _str(get("place")),
                json.dumps(graded, ensure_ascii=False, sort_keys=True) if graded else None,
                _str(tget("per")),
                _str(tget("meaning")),
                _str(get("direction_source")),
                _date(value) if kind == "period" else None,
                _date(value_max) if kind == "period" else None,
            )
        )

    def emit(self) -> None:
        if not self.facts:
            return
        tables = self.rows.tables
        if not self.columnar:
            tables["dim_indicator"] = [dict(zip(_DIM_INDICATOR, d, strict=True)) for d in self.dims]
            tables["fact_indicator_target"] = [
                dict(zip(_FACT_INDICATOR, f, strict=True)) for f in self.facts
            ]
            return
        columns = self.rows.columns  # the order DocumentRows.to_columns gives
        columns["fact_indicator_target"] = dict(
            zip(_FACT_INDICATOR, map(list, zip(*self.facts, strict=True)), strict=True)
        )
        dims = {d[0]: d for d in self.dims}.values()  # last row of a key wins
        columns["dim_indicator"] = dict(
            zip(_DIM_INDICATOR, map(list, zip(*dims, strict=True)), strict=True)
        )


def _project_checks(
    project: dict, name: str, pkey: int, fund_flagged: set[str], empty_flagged: set[str]
) -> list[dict]:
    """Warehouse-side warnings the data checks rely on (fund parts, empty indicator tables)."""
    out = []
    line = _int(project.get("source_line"))
    budget = project.get("budget") or {}
    total, fiscal = _num(budget.get("total_yuan")), _num(budget.get("fiscal_yuan"))
    other = _num(budget.get("other_yuan")) or 0.0
    mismatch = (
        total is not None
        and fiscal is not None
        and abs(total - fiscal - other) > FUND_TOLERANCE_YUAN
    )
    if mismatch and keys.norm_text(name) not in fund_flagged:
        out.append(
            _warning(
                FUND_WARNING,
                f"资金构成不一致：预算数 {total:,.2f} 元 ≠ "
                f"财政资金 {fiscal:,.2f} 元 + 其他资金 {other:,.2f} 元",
                line,
                name,
                pkey,
            )
        )
    if not project.get("indicators") and keys.norm_text(name) not in empty_flagged:
        out.append(_warning(NO_INDICATOR_WARNING, "项目没有绩效指标", line, name, pkey))
    return out

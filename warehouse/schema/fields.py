"""The field registry (data/fields.toml): name, type, Chinese label and English meaning of
every column of every table, mart and view, written once.

The column COMMENTs of a warehouse, docs/data_dictionary.md and the dashboard's Chinese
column headers all come from here, so a description cannot drift between objects
(issue 16: 53 column names used to carry different descriptions). See
docs/field_registry.md.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, replace
from functools import cache

import duckdb

from etl.vocabulary import severity_keys
from warehouse.paths import REPO_ROOT

FIELDS_TOML = REPO_ROOT / "data" / "fields.toml"
_DIGEST_KEY = "fields_digest"  # warehouse_meta: registry digest of the applied comments
_OVERRIDABLE = ("label", "unit", "note", "en", "type")


class RegistryError(ValueError):
    """data/fields.toml is malformed or lacks a column."""


@dataclass(frozen=True)
class Field:
    """One column's description (after applying the variant of the object, if any)."""

    name: str
    label: str
    en: str
    type: str
    unit: str = ""
    note: str = ""

    def header(self, money_unit: str | None = None) -> str:
        """Chinese header with its unit, e.g. ``预算总额（万元）`` when money is shown in
        ``money_unit`` instead of yuan."""
        unit = money_unit if (money_unit and self.unit == "元") else self.unit
        return f"{self.label}（{unit}）" if unit else self.label

    def comment(self) -> str:
        """The column COMMENT: ``中文（单位）：说明 / English``."""
        detail = f"：{self.note}" if self.note else ""
        return f"{self.header()}{detail} / {self.en}"


@dataclass(frozen=True)
class Registry:
    columns: dict[str, Field]
    variants: dict[tuple[str, str], Field]  # (object, column) -> field
    display: dict[str, Field]

    def field(self, column: str, obj: str | None = None) -> Field:
        """The description of ``column`` in ``obj`` (a table, mart or view name)."""
        if obj is not None and (obj, column) in self.variants:
            return self.variants[(obj, column)]
        try:
            return self.columns[column]
        except KeyError:
            raise RegistryError(
                f"data/fields.toml：列 {column!r} 没有登记 (column not in the field registry)"
            ) from None


def _str(entry: dict, key: str, where: str, default: str | None = None) -> str:
    value = entry.get(key, default)
    if not isinstance(value, str):
        raise RegistryError(f"data/fields.toml：{where} 缺少文本字段 {key!r}")
    return value


def _parse(data: dict) -> Registry:
    columns: dict[str, Field] = {}
    variants: dict[tuple[str, str], Field] = {}
    for name, entry in data.get("columns", {}).items():
        where = f"[columns.{name}]"
        base = Field(
            name=name,
            label=_str(entry, "label", where),
            en=_str(entry, "en", where),
            type=_str(entry, "type", where),
            unit=_str(entry, "unit", where, ""),
            note=_str(entry, "note", where, ""),
        )
        columns[name] = base
        for variant in entry.get("variants", []):
            objects = variant.get("objects")
            if not objects or not isinstance(objects, list):
                raise RegistryError(f"data/fields.toml：{where} 的 variants 缺少 objects 列表")
            changes = {k: _str(variant, k, where) for k in _OVERRIDABLE if k in variant}
            for obj in objects:
                variants[(obj, name)] = replace(base, **changes)
    display: dict[str, Field] = {}
    for name, entry in data.get("display", {}).items():
        where = f"[display] {name}"
        if isinstance(entry, str):
            display[name] = Field(name=name, label=entry, en="", type="")
        elif isinstance(entry, dict) and "as" in entry:
            source = _str(entry, "as", where)
            if source not in columns:
                raise RegistryError(f"data/fields.toml：{where} 引用的列 {source!r} 没有登记")
            display[name] = replace(columns[source], name=name)
        elif isinstance(entry, dict):
            display[name] = Field(
                name=name,
                label=_str(entry, "label", where),
                en="",
                type="",
                unit=_str(entry, "unit", where, ""),
            )
        else:
            raise RegistryError(f"data/fields.toml：{where} 应为文本或表")
    for key, word in severity_keys().items():  # per-severity finding counts (review marts)
        columns.setdefault(
            key,
            Field(
                name=key,
                label=word,
                en=f"Findings of severity {word}",
                type="BIGINT",
                note=f"{word}问题条数（严重程度见 data/vocabulary/severities.toml）",
            ),
        )
    return Registry(columns, variants, display)


@cache
def registry() -> Registry:
    """The parsed registry (once per process)."""
    with FIELDS_TOML.open("rb") as handle:
        return _parse(tomllib.load(handle))


@cache
def digest() -> str:
    """Digest of data/fields.toml: a change re-applies the comments of an existing warehouse."""
    text = FIELDS_TOML.read_bytes() + repr(severity_keys()).encode()
    return hashlib.sha256(text).hexdigest()[:16]


def field(column: str, obj: str | None = None) -> Field:
    """The registry entry of ``column`` (in ``obj`` when the meaning differs there)."""
    return registry().field(column, obj)


def label(column: str, obj: str | None = None, *, money_unit: str | None = None) -> str:
    """The Chinese label of a column, with its unit: the variant of ``obj`` if the column
    means something else there, else a dashboard-computed result column (``[display]``),
    else the stored column. Unknown names raise RegistryError."""
    reg = registry()
    found = reg.variants.get((obj, column)) if obj else None
    found = found or reg.display.get(column) or reg.field(column)
    return found.header(money_unit)


def _user_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE NOT internal AND schema_name = 'main' ORDER BY table_name, column_index"
    ).fetchall()


def unregistered(con: duckdb.DuckDBPyConnection) -> list[str]:
    """``object.column`` of every column of ``con`` the registry does not describe."""
    columns = registry().columns
    return [f"{t}.{c}" for t, c, _ in _user_columns(con) if c not in columns]


def apply_comments(con: duckdb.DuckDBPyConnection) -> None:
    """COMMENT ON COLUMN for every registered column of every table, mart and view of
    ``con`` (one batch; an unregistered column keeps no comment and fails the registry test)."""
    reg = registry()
    statements = []
    for table, column, _ in _user_columns(con):
        if column not in reg.columns:
            continue
        text = reg.field(column, table).comment().replace("'", "''")
        statements.append(f'COMMENT ON COLUMN "{table}"."{column}" IS \'{text}\';')
    if statements:
        con.execute("\n".join(statements))
    _set_digest(con)


def comments_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the comments were written from the current data/fields.toml."""
    row = con.execute("SELECT value FROM warehouse_meta WHERE key = ?", [_DIGEST_KEY]).fetchone()
    return row is not None and row[0] == digest()


def ensure_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Re-apply the comments when data/fields.toml changed since they were written."""
    if not comments_current(con):
        apply_comments(con)


def _set_digest(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'warehouse_meta'"
    ).fetchone()
    if row and row[0]:
        con.execute("DELETE FROM warehouse_meta WHERE key = ?", [_DIGEST_KEY])
        con.execute("INSERT INTO warehouse_meta VALUES (?, ?)", [_DIGEST_KEY, digest()])

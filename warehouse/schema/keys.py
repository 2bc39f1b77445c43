"""Stable surrogate keys: md5 of a natural key, never DuckDB's release-dependent hash().

A key is the first 63 bits of md5("<kind>|<natural key parts>") as a positive BIGINT, so
the same input gives the same key in every rebuild, on every machine and in every engine
that reads the exported Parquet. See docs/load_mechanism.md for the natural keys.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

try:  # CPython's own md5: the same digest as OpenSSL's, ~3x cheaper for a short key text
    from _md5 import md5 as _md5
except ImportError:  # pragma: no cover - a Python built without its own hash modules
    _md5 = hashlib.md5


def norm_text(value: object) -> str:
    """NFKC and no whitespace: the form natural keys and classification rules compare."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split())


def md5_key(kind: str, *parts: object) -> int:
    """A positive 63-bit integer key from ``kind`` and the natural-key ``parts``."""
    return md5_text("|".join([kind, *("" if p is None else str(p) for p in parts)]))


def md5_text(text: str) -> int:
    """The key of an already joined natural key ("kind|part|part"): for hot loops that
    format the text themselves (an f-string of ints and strings gives the same text)."""
    return int.from_bytes(_md5(text.encode("utf-8")).digest()[:8], "big") >> 1


def document_key(path: str) -> int:
    """Document identity is its absolute, resolved path: a changed file replaces its rows."""
    return md5_key("document", path)


def unit_key(unit: dict, fallback: str) -> int:
    """Unit codes are unique only inside a fiscal administration, so qualify by geography,
    down to the township when the unit has one (two townships of a county may print the same
    short code); without code or name the unit is known only through its document
    (``fallback``)."""
    code = norm_text(unit.get("code"))
    name = norm_text(unit.get("name"))
    geo = [norm_text(unit.get(k)) for k in ("province", "city", "county")]
    township = norm_text(unit.get("township"))
    if township:  # county and city units keep the key they always had
        geo.append("township:" + township)
    if code:
        return md5_key("unit", *geo, "code:" + code)
    if name:
        return md5_key("unit", *geo, "name:" + name)
    return md5_key("unit", "document:" + fallback)


def project_natural_key(project: dict) -> str:
    """Project code when printed, else the cleaned name (NFKC, no spaces)."""
    code = norm_text(project.get("code"))
    return "code:" + code if code else "name:" + norm_text(project.get("name"))


def project_key(unit: int, fiscal_year: int | None, natural: str) -> int:
    """One project in one unit and fiscal year (the grain of fact_project_budget)."""
    return md5_key("project", unit, fiscal_year, natural)


@lru_cache(maxsize=1 << 16)
def indicator_key(level1: str, level2: str, name: str, kind: str | None, unit: str | None) -> int:
    """An indicator definition: its place in the taxonomy, its name and how it is measured."""
    return md5_key("indicator", level1, level2, norm_text(name), kind, unit)


def row_key(kind: str, document_id: int, *parts: object) -> int:
    """Rows that exist only inside one document (targets, warnings, findings)."""
    return md5_key(kind, document_id, *parts)

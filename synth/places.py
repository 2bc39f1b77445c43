"""Townships to write documents for: real names so geography resolution is exercised.

Reads the bundled admin table when present (township rows with their province, city and
county); otherwise falls back to a small built-in list of Hebei/Shandong/Henan townships.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

ADMIN_TABLE = Path(__file__).resolve().parents[1] / "data" / "reference" / "admin_divisions.csv.gz"


@dataclass(frozen=True, slots=True)
class Township:
    """One township (镇/乡) with the administrative chain above it."""

    code: str  # 9-digit division code (or a made-up one for the fallback list)
    name: str  # e.g. 开平镇
    county: str  # e.g. 开平区
    city: str  # e.g. 唐山市
    province: str  # e.g. 河北省

    @property
    def county_code(self) -> str:
        return self.code[:6]


# (province, city, county, county code, townships) — used only when the admin table is absent.
_FALLBACK: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("河北省", "唐山市", "开平区", "130205", ("开平镇", "双桥镇", "郑庄子镇", "洼里镇")),
    ("河北省", "唐山市", "玉田县", "130229", ("林西镇", "鸦鸿桥镇", "窝洛沽镇", "石臼窝镇")),
    ("河北省", "保定市", "定州市", "130682", ("开元镇", "清风店镇", "庞村镇", "砖路镇")),
    ("河北省", "廊坊市", "永清县", "131023", ("永清镇", "韩村镇", "后奕镇", "别古庄镇")),
    ("山东省", "潍坊市", "寿光市", "370783", ("侯镇", "台头镇", "田柳镇", "羊口镇")),
    ("山东省", "临沂市", "沂水县", "371323", ("沂水镇", "许家湖镇", "黄山铺镇", "诸葛镇")),
    ("山东省", "菏泽市", "曹县", "371721", ("庄寨镇", "普连集镇", "青菏镇", "韩集镇")),
    ("河南省", "周口市", "鹿邑县", "411628", ("玄武镇", "宋河镇", "太清宫镇", "生铁冢镇")),
    ("河南省", "南阳市", "镇平县", "411324", ("石佛寺镇", "晁陂镇", "贾宋镇", "侯集镇")),
)


def _fallback() -> list[Township]:
    out: list[Township] = []
    for province, city, county, ccode, towns in _FALLBACK:
        for i, town in enumerate(towns, start=1):
            out.append(Township(f"{ccode}{100 + i:03d}", town, county, city, province))
    return out


def load_townships(path: Path = ADMIN_TABLE) -> list[Township]:
    """Townships (names ending in 镇 or 乡, with a city and a county), in code order."""
    if not path.exists():
        return _fallback()
    out: list[Township] = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row.get("name") or ""
            if row.get("level") != "township" or name[-1:] not in ("镇", "乡"):
                continue
            city, county = row.get("city") or "", row.get("county") or ""
            if not city or not county or county == "市辖区" or not 2 <= len(name) <= 6:
                continue
            out.append(Township(row["code"], name, county, city, row.get("province") or ""))
    out.sort(key=lambda t: t.code)
    return out or _fallback()

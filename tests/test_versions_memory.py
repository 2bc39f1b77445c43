"""The version keeper keeps one packed bytes object per identity (issue 14, loader memory):
packing must give back exactly what the decisions read, and the decisions of a load into an
empty warehouse must stay those of the unpacked entries (supersede across batches, a later
file that is the older version, same content, separate documents)."""

from __future__ import annotations

import os
import shutil
import sys
from array import array
from pathlib import Path

import pytest

from tests.test_document_versions import SEED, query, revised, seed_folder, totals
from warehouse.load import loader
from warehouse.load.versions import _Entry, _pack, _pack_all, _unpack, _unpack_all

HEX = "0123456789abcdef" * 4


@pytest.mark.parametrize(
    "entry",
    [
        _Entry(1, "/data/开平镇_2024.txt", HEX, 3, array("q", [5, -7, 2**62]), None),
        _Entry(2**62, "/d/a.txt", None, 0, None, 1_700_000_000_123_456_789),
        _Entry(9, "/d/b.txt", "ABC-not-hex", 12, array("q"), 0),
        _Entry(10, "/d/\udcff\udc80名.txt", HEX.upper(), 1, array("q", [1]), -5),
        _Entry(11, "", "", 1, None, None),
    ],
)
def test_a_packed_entry_unpacks_to_the_same_entry(entry: _Entry) -> None:
    again = _unpack(_pack(entry))
    assert again == entry
    assert (again.projects is None) == (entry.projects is None)


def test_packing_is_compact() -> None:
    """A typical document (8 projects, a sha256 digest, a Chinese path) in one bytes object
    far below the ~770 bytes the dataclass with its str, int and array objects took."""
    path = "/work/bench/corpus_10000_seed0/000123_下罗柯马乡_2024.txt"
    entry = _Entry(2**61 + 5, path, HEX, 1, array("q", range(8)))
    blob = _pack(entry)
    assert len(blob) == 31 + 8 * 8 + 32 + len(path.encode())  # header, keys, digest, path
    assert sys.getsizeof(blob) < 240
    assert _unpack_all(_pack_all([])) == []
    assert _unpack_all(_pack_all([entry])) == [entry]
    assert _unpack_all(_pack_all([entry, entry])) == [entry, entry]


def test_supersede_across_batches_into_an_empty_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of one document: the original is written (and counted) before its revision
    arrives, so the revision deletes a written document of this same load."""
    monkeypatch.setattr(loader, "BATCH_DOCUMENTS", 1)
    folder, db = seed_folder(tmp_path)
    original = folder / SEED.name  # "000_…" sorts before the revision: written first
    new = revised(folder)
    summary = loader.load_paths([folder], db, progress=False)
    assert summary.superseded == [(str(original), str(new))]
    assert (summary.loaded, summary.replaced) == (1, 0)
    assert totals(db)[2] == 1
    history = sorted(query(db, "SELECT path, status, replaced_by_path FROM document_version"))
    assert history == [(str(original), "superseded", str(new)), (str(new), "current", None)]
    assert query(db, "SELECT path FROM source_document") == [(str(new),)]


def test_a_later_file_that_is_older_on_disk_is_skipped(tmp_path: Path) -> None:
    """The revision comes first in load order but the file after it is newer on disk: the
    modification times read for that decision decide, the first file stays superseded."""
    folder, db = seed_folder(tmp_path)
    new = revised(folder)
    first = folder / "000_修订版.txt"  # sorts first, older on disk than the seed
    shutil.move(new, first)
    seed = folder / SEED.name
    older = os.stat(seed).st_mtime - 60
    os.utime(first, (older, older))
    summary = loader.load_paths([folder], db, progress=False)
    assert summary.superseded == [(str(first), str(seed))]
    assert summary.loaded == 1
    assert query(db, "SELECT path FROM source_document") == [(str(seed),)]
    statuses = dict(query(db, "SELECT path, status FROM document_version"))
    assert statuses == {str(first): "superseded", str(seed): "current"}


def test_the_keeper_forgets_its_identities_after_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review and marts run without the per-document bookkeeping of the parse."""
    seen: dict[str, object] = {}
    original = loader.review_sql.after_load

    def after_load(*args, **kwargs):
        frame = sys._getframe(1).f_locals
        seen["known"] = dict(frame["keeper"].known)
        seen["written"] = dict(frame["writer"].written)
        seen["tasks"] = list(frame["tasks"])
        return original(*args, **kwargs)

    monkeypatch.setattr(loader.review_sql, "after_load", after_load)
    monkeypatch.setattr(loader.file_stats, "SETTLE_NS", 0)  # the fresh copy counts as settled
    folder, db = seed_folder(tmp_path)
    revised(folder)
    summary = loader.load_paths([folder], db, progress=False)
    assert summary.loaded == 1 and len(summary.superseded) == 1
    assert seen == {"known": {}, "written": {}, "tasks": []}
    # the file stats were recorded all the same, early (the revision, dated a minute
    # ahead, is not settled)
    assert query(db, "SELECT path FROM load_file_stat") == [(str(folder / SEED.name),)]

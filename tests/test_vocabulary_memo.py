"""The review vocabulary's memos stay bounded (etl/review/vocabulary.py MEMO_ENTRIES): the
loader reviews a national load in one process, and unbounded memos of every distinct name
and goal grew by about 1 GB over 400,000 documents. A memo that starts over must give the
same answers."""

from __future__ import annotations

import pytest

from etl.review import vocabulary as vocabulary_module
from etl.review.config import default_config
from etl.review.vocabulary import _from_dict


def test_memos_stay_bounded_and_answer_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vocabulary_module, "MEMO_ENTRIES", 5)
    data = default_config().get("vocabulary") or {}
    bounded, reference = _from_dict(data), _from_dict(data)
    monkeypatch.setattr(vocabulary_module, "MEMO_ENTRIES", 10**9)
    texts = [f"第{i}村道路硬化工程及群众满意度" for i in range(40)] + ["乡镇人民政府"] * 3
    want = [
        (reference.content(t), reference.concepts_in(t), reference.unit_class_of_name(t))
        for t in texts
    ]
    monkeypatch.setattr(vocabulary_module, "MEMO_ENTRIES", 5)
    got = [
        (bounded.content(t), bounded.concepts_in(t), bounded.unit_class_of_name(t)) for t in texts
    ]
    assert got == want
    assert any(concepts for _, concepts, _ in got)  # the texts do hit the vocabulary
    for memo in (bounded._content, bounded._concepts, bounded._name_class):
        assert 0 < len(memo) <= 5
    assert len(reference._content) == 41  # unbounded: every distinct text kept

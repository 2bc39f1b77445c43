"""Running text around the tables: the 总体/分项绩效目标 and 保障措施 sections.

The parser must find the year and township in here and ignore the rest; the prose also
carries decoys real documents have (the previous year, 乡镇 words, numbered headings).
"""

from __future__ import annotations

import random

from synth import vocab
from synth.model import Document

CN_NUM = "一二三四五六七八九十"


def _fill(rng: random.Random, doc: Document, sentence: str) -> str:
    if "{" not in sentence:
        return sentence
    town = doc.township
    return sentence.format(
        year=doc.year,
        prev=doc.year - 1,
        town=town.name,
        county=town.county,
        villages=rng.randint(8, 60),
        people=rng.randint(8000, 90000),
        acres=rng.randint(5000, 90000),
    )


def sentences(rng: random.Random, doc: Document, count: int) -> str:
    """The opening paragraph: always names the year and the township first."""
    picks = [vocab.SENTENCES[0]] + rng.sample(vocab.SENTENCES[1:], count - 1)
    return "".join(_fill(rng, doc, s) for s in picks)


def toc(rng: random.Random) -> str:
    return f"[bookmark: _Toc{rng.randint(10_000_000, 99_999_999)}]"


def sections(rng: random.Random, doc: Document, style: str) -> list[str]:
    """一、总体绩效目标 / 二、分项绩效目标 / 三、工作保障措施 with their paragraphs.

    ``style`` is how headings are exported: "toc" (a bookmark prefix, seeds 000/004),
    "field" (a flattened TC field, seed 001), "braces" (bookmark plus a braced TC field and
    no numbering, seed 003) or "plain" (seed 002)."""

    def heading(text: str) -> str:
        bare = text[2:]
        if style == "field":
            return f"{text} TC {bare} \\f A \\l 1 "
        if style == "braces":
            return f"{toc(rng)}{bare}{{ TC {bare} \\f A \\l 1 }}"
        return toc(rng) + text if style == "toc" else text

    out = [heading("一、总体绩效目标"), sentences(rng, doc, rng.randint(3, 6))]
    if rng.random() < 0.5:
        out.append(f"{doc.year}年工作目标情况")
    for i, sentence in enumerate(rng.sample(vocab.SENTENCES[1:10], rng.randint(2, 6))):
        out.append(f"（{CN_NUM[i]}）{sentence}{_fill(rng, doc, rng.choice(vocab.SENTENCES[11:]))}")
    out.append(heading("二、分项绩效目标"))
    for i, goal in enumerate(rng.sample(vocab.SECTION_GOALS, rng.randint(2, 4))):
        out.append(f"（{CN_NUM[i]}）{goal}")
        out.append("绩效目标：" + goal[:-1] + "，完成年度任务。")
        out.append("绩效指标：" + rng.choice(("工作完成率", "群众满意度", "项目验收合格率")))
    out.append(heading("三、工作保障措施"))
    for i, sentence in enumerate(rng.sample(vocab.SENTENCES[11:], rng.randint(2, 4))):
        out.append(f"（{CN_NUM[i]}）" + _fill(rng, doc, sentence))
    return out

"""The review vocabulary (data/review_vocabulary.toml) turned into matchers: synonym concepts
for relevance, unit classes for name/unit checks. Built once per configuration object."""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.review.text import bare, bigrams

# Entries per memo before it starts over: names and goals repeat within a load, but a national
# load meets millions of distinct ones, and unbounded memos grew ≈ 1 GB over 400,000 documents.
MEMO_ENTRIES = 10_000


def _remember(memo: dict, key: str, value: object) -> None:
    if len(memo) >= MEMO_ENTRIES:
        memo.clear()
    memo[key] = value


@dataclass(frozen=True)
class Vocabulary:
    concepts: tuple[tuple[str, tuple[str, ...]], ...]  # (concept, words longest first)
    generic: tuple[str, ...]
    universal: tuple[str, ...]
    rate_words: tuple[str, ...]
    unit_classes: tuple[tuple[str, str, tuple[str, ...], frozenset[str]], ...]
    # Memos (at most MEMO_ENTRIES each): documents repeat the same names and goals thousands
    # of times per load.
    _concepts: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)
    _content: dict[str, tuple[frozenset[str], frozenset[str]]] = field(
        default_factory=dict, compare=False
    )
    _name_class: dict[str, tuple[str, str] | None] = field(default_factory=dict, compare=False)

    def concepts_in(self, text: str | None) -> frozenset[str]:
        """Concepts whose words occur in ``text``."""
        value = bare(text)
        hit = self._concepts.get(value)
        if hit is None:
            hit = frozenset(name for name, words in self.concepts if any(w in value for w in words))
            _remember(self._concepts, value, hit)
        return hit

    def content(self, text: str | None) -> tuple[frozenset[str], frozenset[str]]:
        """(concepts, content bigrams): what a text is about once generic words are gone."""
        value = bare(text)
        hit = self._content.get(value)
        if hit is None:
            found, grams = self._content_of(value)
            hit = (frozenset(found), frozenset(grams))
            _remember(self._content, value, hit)
        return hit

    def _content_of(self, value: str) -> tuple[set[str], set[str]]:
        found = set()
        for name, words in self.concepts:
            for word in words:
                if word in value:
                    found.add(name)
                    value = value.replace(word, "|")
        for word in self.generic:
            value = value.replace(word, "|")
        return found, bigrams(value)

    def unit_class_of_name(self, name: str | None) -> tuple[str, str] | None:
        value = bare(name)
        if value in self._name_class:
            return self._name_class[value]
        hit = None
        for cls, label, names, _ in self.unit_classes:
            if value.endswith(names):
                hit = (cls, label)
                break
        _remember(self._name_class, value, hit)
        return hit

    def unit_class_of_unit(self, unit: str | None) -> str | None:
        value = bare(unit)
        for cls, _, _, units in self.unit_classes:
            if value in units:
                return cls
        return None


def vocabulary(config: dict) -> Vocabulary:
    return _build(id(config), config)


_built: dict[int, tuple[dict, Vocabulary]] = {}


def _build(ident: int, config: dict) -> Vocabulary:
    cached = _built.get(ident)
    if cached is not None and cached[0] is config:
        return cached[1]
    vocab = _from_dict(config.get("vocabulary") or {})
    if len(_built) > 32:
        _built.clear()
    _built[ident] = (config, vocab)
    return vocab


def _from_dict(data: dict) -> Vocabulary:
    concepts = tuple(
        (bare(group[0]), tuple(sorted({bare(w) for w in group if bare(w)}, key=len, reverse=True)))
        for group in data.get("synonyms", [])
        if group
    )
    classes = tuple(
        (
            cls,
            str(spec.get("label") or cls),
            tuple(bare(n) for n in spec.get("names", [])),
            frozenset(bare(u) for u in spec.get("units", [])),
        )
        for cls, spec in (data.get("unit_classes") or {}).items()
    )
    return Vocabulary(
        concepts=concepts,
        generic=tuple(
            sorted({bare(w) for w in data.get("generic_words", [])}, key=len, reverse=True)
        ),
        universal=tuple(bare(w) for w in data.get("universal_indicators", [])),
        rate_words=tuple(bare(w) or w for w in data.get("rate_words", [])),
        unit_classes=classes,
    )

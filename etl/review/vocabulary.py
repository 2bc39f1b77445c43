"""The review vocabulary (data/review_vocabulary.toml) turned into matchers: synonym concepts
for relevance, unit classes for name/unit checks. Built once per configuration object."""

from __future__ import annotations

from dataclasses import dataclass

from etl.review.text import bare, bigrams


@dataclass(frozen=True)
class Vocabulary:
    concepts: tuple[tuple[str, tuple[str, ...]], ...]  # (concept, words longest first)
    generic: tuple[str, ...]
    universal: tuple[str, ...]
    rate_words: tuple[str, ...]
    unit_classes: tuple[tuple[str, str, tuple[str, ...], frozenset[str]], ...]

    def concepts_in(self, text: str | None) -> set[str]:
        """Concepts whose words occur in ``text``."""
        value = bare(text)
        return {name for name, words in self.concepts if any(w in value for w in words)}

    def content(self, text: str | None) -> tuple[set[str], set[str]]:
        """(concepts, content bigrams): what a text is about once generic words are gone."""
        value = bare(text)
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
        for cls, label, names, _ in self.unit_classes:
            if any(value.endswith(n) for n in names):
                return cls, label
        return None

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

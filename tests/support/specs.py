"""Reading Vega-Lite specs in tests."""

from __future__ import annotations

from collections.abc import Iterator


def walk(node: object, key: str) -> Iterator[object]:
    """Every value stored under ``key`` anywhere in a nested spec."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from walk(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, key)

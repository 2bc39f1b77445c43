"""Seconds per named step into a dict: the load's steps (``etl load --timings``) and the
review's rules (benchmarks/review_bench.py) are timed the same way."""

from __future__ import annotations

import time
from collections.abc import Callable


class Laps:
    """``lap(name)`` adds the seconds since the previous lap (or ``started``) to
    ``timings[name]`` and calls ``on_lap(name, total)``; without a dict it only keeps time."""

    def __init__(
        self,
        timings: dict[str, float] | None,
        started: float | None = None,
        on_lap: Callable[[str, float], None] | None = None,
    ) -> None:
        self.timings = timings
        self.last = time.perf_counter() if started is None else started
        self.on_lap = on_lap

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[name] = self.timings.get(name, 0.0) + now - self.last
            if self.on_lap is not None:
                self.on_lap(name, self.timings[name])
        self.last = now

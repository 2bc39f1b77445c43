"""Benchmark suite: ``python -m benchmarks.run`` writes docs/benchmarks.md (see docs there)."""

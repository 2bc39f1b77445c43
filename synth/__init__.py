"""Synthetic goal documents for scale tests and round-trip checks of the parser.

``python -m etl synth --docs N --out DIR [--seed S]`` writes N documents in the four
supported layouts plus ``manifest.jsonl`` holding what each file must parse to.
"""

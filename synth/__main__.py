"""Allow ``python -m synth`` as well as ``python -m etl synth``."""

import sys

from synth.cli import main

raise SystemExit(main(sys.argv[1:]))

"""Allow ``python -m etl.synth`` as well as ``python -m etl synth``."""

import sys

from etl.synth.cli import main

raise SystemExit(main(sys.argv[1:]))

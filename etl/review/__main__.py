"""`python -m etl.review FILE` works even without the `etl` dispatcher."""

import sys

from etl.review.cli import main

sys.exit(main())

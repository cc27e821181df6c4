"""`python -m errata.cli`: the `errata` command."""

import sys

from . import main

sys.exit(main())

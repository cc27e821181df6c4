"""`python -m server.cli`: the `errata` command."""

import sys

from . import main

sys.exit(main())

"""``python -m trackerkit``: the command line (see :mod:`trackerkit.cli`)."""

import sys

from trackerkit.cli import main

sys.exit(main())

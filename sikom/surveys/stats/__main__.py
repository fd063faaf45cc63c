"""``python -m sikom.surveys.stats``: see :mod:`sikom.surveys.stats.cli`."""

import sys

from .cli import main

sys.exit(main())

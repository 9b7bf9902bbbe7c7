"""Entry point for `python -m directory`."""

import sys

from directory.cli import main

sys.exit(main())

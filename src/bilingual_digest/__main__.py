"""``python -m bilingual_digest``: the command line."""

import sys

from .cli import main

sys.exit(main())

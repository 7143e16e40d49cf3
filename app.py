"""Serve the bilingual-digest web app: ``python app.py [--host H] [--port P] ...``.

It takes the options of ``bilingual-digest serve`` (``--host``, ``--port``, ``--max-chars``,
``--concurrency``; ``python app.py --help``), parsed by the command line, which serves the
app. Imported rather than run, it builds ``demo`` without loading a model, for tools and
hosts that look for a ``demo`` in ``app.py``.
"""

import sys

from bilingual_digest.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
else:
    from bilingual_digest.ui import build_demo

    demo = build_demo()

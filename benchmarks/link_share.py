"""How much of the extracted text of real pages is link titles (the "not an article" rule).

Usage: ``.venv/bin/python benchmarks/link_share.py DIR [DIR ...]`` over folders of saved
pages (e.g. trafilatura's ``tests/cache``). Prints the pages with the highest share, the
maximum and how many pages the rule (over ``MAX_LINK_SHARE``) would refuse; the README
quotes the figures for trafilatura's test set.
"""

from __future__ import annotations

import sys
from pathlib import Path

from trafilatura import bare_extraction
from trafilatura.utils import load_html

from bilingual_digest.articles import MAX_LINK_SHARE, _blocks, _decode, _link_share, _norm


def share(path: Path) -> float | None:
    """The link-title share of a page's extracted text; ``None`` when nothing is extracted."""
    tree = load_html(_decode(path.read_bytes(), None))
    if tree is None:
        return None
    anchors = {_norm(a.text_content()) for a in tree.iter("a")} - {""}
    blocks = _blocks(bare_extraction(tree, with_metadata=True, include_comments=False))
    return _link_share(blocks, anchors) if blocks else None


def main(folders: list[str]) -> None:
    found = [(share(p), p.name) for folder in folders for p in sorted(Path(folder).glob("*.htm*"))]
    measured = sorted((s, name) for s, name in found if s is not None)
    for value, name in measured[-10:]:
        print(f"{value:6.1%}  {name}")
    refused = sum(value > MAX_LINK_SHARE for value, _ in measured)
    print(
        f"{len(measured)} pages with text ({len(found) - len(measured)} without); highest share "
        f"{measured[-1][0]:.1%}; over {MAX_LINK_SHARE:.0%} (refused): {refused}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])

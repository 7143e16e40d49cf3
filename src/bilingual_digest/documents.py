"""What the engine reads: a plain text, or an :class:`Article` (a web page's text and metadata).

The record lives here, below the translator and the digester, so both accept it without
knowing where it came from; :mod:`bilingual_digest.articles` makes them (fetching and
extraction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    """The main text of a news page and what the page says about it.

    Attributes:
        url: Where the page was fetched from (after redirects), or the page's own canonical
            address for a saved page; ``None`` when neither is known.
        title: The headline, or ``None``.
        author: The byline, or ``None``.
        date: The publication date as ``YYYY-MM-DD``, or ``None``.
        site: The site's name (or its host name), or ``None``.
        text: The article's main text, its paragraphs separated by blank lines; menus,
            banners, "read also" boxes and comments left out.
    """

    url: str | None
    title: str | None
    author: str | None
    date: str | None
    site: str | None
    text: str

    @property
    def full_text(self) -> str:
        """The title, a blank line, then the text: what translation and digests read."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text

    def metadata(self) -> dict[str, Any]:
        """Every field but the text, as a JSON-ready dict (``None`` where unknown)."""
        return {
            "url": self.url,
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "site": self.site,
        }


TextOrArticle = str | Article
"""What translation and digests accept: a text, or an :class:`Article`."""


def as_text(value: object) -> object:
    """The text to work on: an article's :attr:`Article.full_text`, anything else unchanged
    (the caller checks it is a ``str``)."""
    return value.full_text if isinstance(value, Article) else value


def is_url(text: object) -> bool:
    """Whether a string is one ``http``/``https`` link (and nothing else)."""
    return isinstance(text, str) and bool(_URL.match(text.strip()))

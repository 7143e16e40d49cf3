"""Batch translation: many documents in, a resumable bilingual corpus out.

The pieces are engine-agnostic and shared by every engine (the local loop, the Ray engine):

- :mod:`.readers` (and :mod:`.rows`, :mod:`.pages`, :mod:`.links`): inputs → a lazy stream
  of :class:`Document` (files and folders of ``.txt``/``.md`` and saved ``.html`` pages,
  JSONL, CSV, lists of links, stdin; a page's article is extracted, a link fetched);
  anything that can't be read or fetched becomes a document with ``error`` set.
- :mod:`.ledger`: :class:`Ledger`, which every engine asks, in input order, whether a
  document is skipped (its record exists), done, or a repeat of an id (its own error record).
- :mod:`.work`: :class:`WorkSpec` (picklable settings) → :class:`Worker`, whose
  ``process(documents)`` returns one record dict per document.
- :mod:`.writer`: sinks: :class:`JsonlWriter` (append-only, locked, crash-safe, resumable)
  and :class:`TextTreeWriter` (``--format txt``); :func:`encode_record` (one record, one line).
- :mod:`.guard`: what is checked before a run starts (output placement, the lock, the cache).
- :mod:`.sentence_cache`: :class:`SentenceCache`, an SQLite sentence cache (``--cache``).
- :mod:`.local`: :func:`run_local`, the in-process engine; :mod:`.ray_engine` and
  :mod:`.ray_source`: the Ray engine, whose workers read the inputs themselves.

Record format (one JSON object per line of the output, UTF-8)
-------------------------------------------------------------
A translated document::

    {"id": "politics/niger.txt",          # stable id: path relative to the input root,
                                           # the id field, or "<file name>:<line>"
     "source": "articles/politics/niger.txt",   # the path as given, or "<path>:<line>"
     "source_lang": "fr", "target_lang": "en",
     "translation": "...",                 # paragraphs and line breaks kept
     "segments": [{"index": 0, "paragraph": 0, "start": 0, "end": 57,
                   "source": "...", "translation": "...", "complete": true,
                   "findings": [], "retried": false,
                   "confidence": null}, ...],      # a number with --confidence
     "warnings": ["..."],                  # plain-language notes (may be empty)
     "text": "...",                        # only when the document had to be cleaned,
                                           # or is a web page's article
     "article": {"url": "...", "title": "...", "author": null,   # only for a saved page
                 "date": "2020-01-14", "site": "..."},          # or a link: as Digest's
     "summary_en": "...", "summary_fr": "..."}   # only with --summarize: one
                                           # summary_<code> per language of the pair

``segments`` holds every field of :class:`~bilingual_digest.translation.Segment` (``findings``
are the faithfulness checks' findings: ``kind``, ``text``, ``segment``, ``message``).
``start``/``end`` are character offsets into the text that was translated:
``text[start:end] == source`` for every segment. That text is the document as read (the
file's decoded content, the JSONL field, the CSV cell) unless it had to be cleaned (HTML
reduced to its visible text, NUL and other control characters removed, CRLF and CR line
endings made LF): then the record carries it as ``text``, and the offsets index
``record["text"]``; a warning says what was cleaned.

Web pages: a saved page (``.html``, ``.htm``, ``.xhtml``, ``.shtml``, given or found in a
folder) and a link (a line of a list of links, a JSONL row with ``url`` and no ``text``)
are read as their article: its title, a blank line, its main text (menus, banners and
comments left out). Their record always carries that ``text`` (the offsets index it) and
``article``: ``url``, ``title``, ``author``, ``date`` and ``site``, ``null`` where unknown, as
:meth:`~bilingual_digest.results.Digest.to_dict` gives them. The id of a link in a list is
the link itself; of a page, its path; of a JSONL row, as for any row.

A document that failed has ``error`` (a plain-language reason, naming the line for JSONL/CSV
rows) instead of the translation fields::

    {"id": "data.jsonl:7", "source": "data.jsonl:7",
     "error": "Line 7 of data.jsonl is not valid JSON: ...", "warnings": []}

An id met a second time in a run (two input folders both holding ``politics/a.txt``, a JSONL
id field used twice) is not translated: its error record has an id of its own (its
``source``, with ``#2``, ``#3``… if even that is taken) and ``duplicate_of``::

    {"id": "2024/politics/a.txt", "source": "2024/politics/a.txt",
     "error": "Duplicate id 'politics/a.txt': an earlier document ...", "warnings": [],
     "duplicate_of": "politics/a.txt"}

Every document of a run gets exactly one record and no two records share an id; each is
written whole before its document counts as done. A resumed run skips ids that already have
one, error records included; ``--retry-errors`` (``retry_errors=True``) removes the error
records first, so those documents are done again. Error records are only ever about a
document: a failing model, cache or output stops the run instead (:class:`RunStopped`).
Records are ``id`` first, then ``source`` (then ``error`` for an error record): a resumed run
reads only that much of each line.
"""

from __future__ import annotations

from .guard import OutputBusyError, RunStopped
from .ledger import Ledger
from .local import BatchStats, run_local
from .readers import Document, ReadOptions, iter_documents
from .sentence_cache import SentenceCache
from .work import Worker, WorkSpec, error_record
from .writer import JsonlWriter, TextTreeWriter, encode_record, scan_jsonl

__all__ = [
    "BatchStats",
    "Document",
    "JsonlWriter",
    "Ledger",
    "OutputBusyError",
    "ReadOptions",
    "RunStopped",
    "SentenceCache",
    "TextTreeWriter",
    "WorkSpec",
    "Worker",
    "encode_record",
    "error_record",
    "iter_documents",
    "run_local",
    "scan_jsonl",
]

"""Batch translation: many documents in, a resumable bilingual corpus out.

The pieces are engine-agnostic and shared by every engine (the local loop here, a Ray engine):

- :mod:`.readers`: inputs → :class:`Document` (files and folders of ``.txt``/``.md``, JSONL,
  CSV, stdin); unreadable input becomes a document with ``error`` set.
- :mod:`.work`: :class:`WorkSpec` (picklable settings) → :class:`Worker`, whose
  ``process(documents)`` returns one record dict per document.
- :mod:`.writer`: sinks: :class:`JsonlWriter` (append-only, crash-safe, resumable) and
  :class:`TextTreeWriter` (``--format txt``).
- :mod:`.sentence_cache`: :class:`SentenceCache`, an SQLite sentence cache (``--cache``).
- :mod:`.local`: :func:`run_local`, the in-process engine with progress reporting.

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
                   "findings": [], "retried": false}, ...],
     "warnings": ["..."],                  # plain-language notes (may be empty)
     "summary_en": "...", "summary_fr": "..."}   # only with --summarize: one
                                           # summary_<code> per language of the pair

``segments`` holds every field of :class:`~bilingual_digest.translation.Segment` (``findings``
are the faithfulness checks' findings: ``kind``, ``text``, ``segment``, ``message``);
``start``/``end`` are character offsets into the document's decoded text. A document that
failed has ``error`` (a plain-language reason, naming the line for JSONL/CSV rows) instead of
the translation fields::

    {"id": "data.jsonl:7", "source": "data.jsonl:7",
     "error": "Line 7 of data.jsonl is not valid JSON: ...", "warnings": []}

Every document of a run gets exactly one record; a resumed run skips ids that already have
one (error records included: delete those lines to retry them).
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

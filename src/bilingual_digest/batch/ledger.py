"""Which documents a run must do: skip what the output has, and give a repeated id its own record.

Every engine puts each document through one :class:`Ledger`, in input order, so the same
inputs give the same records whatever the engine and however often the run was interrupted:

- an id the output already has is skipped (a resumed run);
- the first document with an id is done;
- a later document with the same id (two input folders holding ``a/x.txt``, a JSONL id field
  used twice, the same file given twice) is not translated: it gets an error record with an
  id of its own (its ``source``, made unique with ``#2``, ``#3``…) and ``duplicate_of``
  naming the repeated id, so no two records ever share an id.

Memory: one string per id the run has met (about 100 bytes each), nothing per document body.
"""

from __future__ import annotations

from collections.abc import Callable

from .documents import Document


class Ledger:
    """The ids a run has met, and what the output already holds.

    Args:
        done: Ids that already have a record in the output (this set is taken over, not
            copied: ids move out of it as the run meets them).
        failed: Of those, the ids whose record is an error record.
        is_done: For outputs without an id list (``--format txt``): whether a document
            already has its output.

    Attributes:
        skipped: Documents skipped because they had a record.
        skipped_failed: Of those, the ones whose record is an error record.
        duplicates: Documents whose id repeated an earlier one's.
    """

    def __init__(
        self,
        done: set[str] | None = None,
        failed: set[str] | None = None,
        is_done: Callable[[Document], bool] | None = None,
    ) -> None:
        self.done: set[str] = done if done is not None else set()
        self.failed: set[str] = failed if failed is not None else set()
        self.seen: set[str] = set()
        self._is_done = is_done
        self.skipped = 0
        self.skipped_failed = 0
        self.duplicates = 0

    def known_done(self, doc_id: str) -> bool:
        """Whether an id has a record and this run has not met it yet (readers skip reading it)."""
        return doc_id in self.done

    def claim(self, doc_id: str) -> bool:
        """Skip an id now if it has a record (for readers that yield nothing for it).

        Returns:
            Whether ``doc_id`` had a record; it is then counted as skipped, and met.
        """
        if doc_id not in self.done:
            return False
        self._skip(doc_id)
        return True

    def admit(self, doc: Document) -> Document | None:
        """Decide what to do with the next document of the run.

        Args:
            doc: The document (possibly a ``done`` placeholder from a reader).

        Returns:
            ``None`` to skip it (its record exists); else the document to process: ``doc``
            itself, or, for a repeated id, an error document with an id of its own.
        """
        if doc.id in self.seen:
            self.duplicates += 1
            doc = self.duplicate(doc)
        if self._had_record(doc):
            return None
        self.seen.add(doc.id)
        return doc

    def duplicate(self, doc: Document) -> Document:
        """The error document that stands for a repeat of an id this run has already met."""
        new_id, n = doc.source, 1
        while new_id in self.seen:
            n += 1
            new_id = f"{doc.source}#{n}"
        return Document(
            new_id,
            doc.source,
            error=f"Duplicate id {doc.id!r}: an earlier document of this run already has it, so "
            f"{doc.source} was not translated. Ids must be unique: give the inputs' common "
            "folder, rename the file, or fix the id field.",
            duplicate_of=doc.id,
        )

    def _had_record(self, doc: Document) -> bool:
        if doc.id not in self.done and (self._is_done is None or not self._is_done(doc)):
            return False
        self._skip(doc.id)
        return True

    def _skip(self, doc_id: str) -> None:
        self.done.discard(doc_id)
        self.seen.add(doc_id)
        self.skipped += 1
        if doc_id in self.failed:
            self.skipped_failed += 1

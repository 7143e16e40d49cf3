"""A resumed Ray run: the parts of the plan whose documents all have a record are not run.

A read task over such a part would only find done documents and send their ids back to the
driver; Ray Data would still start the actor pool (each actor loading its models) for it, and
again for the next window. :func:`done_parts` finds these parts from the plan alone, and
:func:`segments` cuts the plan into what the driver just marks as met (in input order, through
the same ledger) and the windows Ray runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from .documents import ReadOptions
from .ray_source import Piece, row_name


def done_parts(
    pieces: Sequence[Piece], lines: Mapping[str, int], opts: ReadOptions, done: set[str]
) -> list[list[str] | None]:
    """For each piece, its ids if a read task would find every one of them done, else ``None``.

    The ids are known from the plan when each JSONL line's id is ``<name>:<line>`` (no
    ``id_field``) and no other input can have these ids (every input a JSONL file, no two
    with the same name): then every id of a piece's lines being done means every line of it
    had a record (a blank line never has one), and the read task would send exactly these ids
    back as done, in this order.

    Args:
        pieces: The plan (see :func:`~.ray_source.plan`).
        lines: Each JSONL input's line count (see :func:`~.ray_source.line_index`).
        opts: How inputs are read.
        done: The ids the output has.
    """
    names = [row_name(p.location) for p in pieces if p.start == 0]
    usable = (
        opts.id_field is None
        and bool(done)
        and all(p.kind == "jsonl" and p.location in lines for p in pieces)
        and len(set(names)) == len(names)
    )
    if not usable:
        return [None] * len(pieces)
    found: list[list[str] | None] = []
    for at, piece in enumerate(pieces):
        following = pieces[at + 1] if at + 1 < len(pieces) else None
        if following is not None and following.location == piece.location:
            last = following.first_line - 1
        else:
            last = lines[piece.location]
        name = row_name(piece.location)
        ids = [f"{name}:{n}" for n in range(piece.first_line, last + 1)]
        found.append(ids if ids and all(i in done for i in ids) else None)
    return found


def segments(
    pieces: Sequence[Piece],
    done: Sequence[list[str] | None],
    windows: Callable[[Sequence[Piece]], list[list[Piece]]],
) -> Iterator[tuple[list[str], list[Piece]]]:
    """The plan in input order as ``(ids met, [])`` for runs of done pieces and
    ``([], window)`` for the windows (see ``windows``) of the pieces between them."""
    at = 0
    while at < len(pieces):
        if done[at] is not None:
            ids: list[str] = []
            while at < len(pieces) and done[at] is not None:
                ids.extend(done[at])  # type: ignore[arg-type]
                at += 1
            yield ids, []
            continue
        end = at
        while end < len(pieces) and done[end] is None:
            end += 1
        for window in windows(pieces[at:end]):
            yield [], window
        at = end

"""The numbers check: numbers, amounts, percentages, dates and times that differ."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from .findings import Finding
from .language_tables import Tables, load_tables
from .mentions import Mention, extract_mentions
from .number_patterns import unit_family
from .number_words import stated_values
from .text import WORD_RE, check_pair, check_segment_index, fold

__all__ = ["check_numbers", "compatible", "number_findings", "pair_tables"]


def pair_tables(source_lang: str, target_lang: str) -> tuple[Tables | None, Tables | None]:
    """Both sides' tables, or ``(None, None)`` when either side has none.

    Reading one side with its tables and the other without would compare a date with two
    bare numbers, so a side without tables makes both sides read digits only.
    """
    source, target = load_tables(source_lang), load_tables(target_lang)
    return (source, target) if source is not None and target is not None else (None, None)


def compatible(a: Mention, b: Mention) -> bool:
    """Whether two mentions can say the same thing (some reading of each agrees).

    A unit on one side only is tolerated; two different units are not. A time on the hour
    matches a bare number of that hour ("vers 17 heures" / "around 17:00" / "at 5 pm").
    """
    if a.kind == b.kind == "number":
        ua, ub = unit_family(a.unit), unit_family(b.unit)
        return (ua is None or ub is None or ua == ub) and not set(a.readings).isdisjoint(b.readings)
    if a.kind == b.kind and a.kind in ("date", "code"):
        return not set(a.readings).isdisjoint(b.readings)
    if a.kind == b.kind == "time":
        (ha, ma), (hb, mb) = a.key, b.key
        if a.unit and b.unit:  # both say which half of the day
            return (ha, ma) == (hb, mb)
        return ma == mb and int(ha) % 12 == int(hb) % 12  # type: ignore[call-overload]
    if {a.kind, b.kind} == {"time", "number"}:
        time, number = (a, b) if a.kind == "time" else (b, a)
        hour, minute = time.key
        return (
            number.unit is None
            and minute == 0
            and any(r[0] in (hour, int(hour) % 12) for r in number.readings)  # type: ignore[call-overload]
        )
    return False


def word_set(text: str) -> set[str]:
    """The folded words of a text, and the parts of its hyphenated or elided words."""
    words: set[str] = set()
    for m in WORD_RE.finditer(fold(text)):
        word = m.group()
        words.add(word)
        words.update(part for part in re.split(r"['\-]", word) if part)
    return words


def _stated(
    mention: Mention, words: set[str], stated: tuple[set[Decimal], set[Decimal]], digits: set[str]
) -> bool:
    """Whether the other side states the number another way (words, Roman numerals …)."""
    cardinals, ordinals = stated
    if mention.kind == "time":
        hour, minute = mention.key
        hours = {Decimal(hour), Decimal(int(hour) % 12 or 12)}  # type: ignore[call-overload]
        return minute == 0 and bool(hours & cardinals)
    if mention.kind == "code":  # "F1" for "Formule 1": its digits stand on the other side
        return all(d in digits for d in re.findall(r"\d+", str(mention.key[0])))
    if mention.kind != "number":
        return False
    if mention.roman and mention.roman in words:
        return True
    values = cardinals | ordinals if mention.ordinal else cardinals
    return any(isinstance(r[0], Decimal) and r[0] in values for r in mention.readings)


def number_findings(
    mentions: Iterable[Mention],
    others: list[Mention],
    other_text: str,
    other_tables: Tables | None,
    kind: str,
    segment: int | None,
    message: str,
    match: Callable[[Mention, Mention], bool] = compatible,
) -> list[Finding]:
    """One finding per distinct mention that the other text neither has nor states."""
    findings: list[Finding] = []
    reported: set[tuple[object, ...]] = set()
    words: set[str] | None = None
    stated: tuple[set[Decimal], set[Decimal]] = (set(), set())
    digits = set(re.findall(r"\d+", other_text))
    for mention in mentions:
        if mention.ident in reported or any(match(other, mention) for other in others):
            continue
        if other_tables is not None:
            if words is None:
                words, stated = word_set(other_text), stated_values(other_text, other_tables)
            if _stated(mention, words, stated, digits):
                continue
        reported.add(mention.ident)
        findings.append(
            Finding(
                kind, mention.text, segment, message.format(noun=mention.noun, text=mention.text)
            )
        )
    return findings


def check_numbers(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str,
    *,
    segment: int | None = None,
) -> list[Finding]:
    """Flag numbers, amounts, percentages, dates and times that differ between the two sides.

    Both sides are read with their own language's conventions, then compared by value:
    ``"1 200,50 €"`` = ``"€1,200.50"`` = ``"1,200.50 euros"``; ``"3,5 %"`` = ``"3.5 percent"``;
    ``"25 avril 2024"`` = ``"April 25, 2024"``; ``"1er"`` = ``"1st"``; ``"14h30"`` =
    ``"2:30 p.m."`` = ``"1430 hours"``; ``"2 milliards"`` = ``"2 billion"`` = ``"2 thousand
    million"`` = ``"2bn"``; ``"50 M$"`` = ``"$50 million"``; ``"les années 70"`` = ``"the
    1970s"``; ``"de 2000 à 2008"`` = ``"2000-08"``; ``"XXe siècle"`` = ``"20th century"``.
    A numeral with several plausible readings keeps them all (``"1,200"`` is 1.2 in French
    and 1200 in English; French texts translated from English keep ``"20,000 GBP"``):
    either reading matches, while a changed digit changes every reading. Digits inside a
    word (``"MP3"``, ``"BR23C"``, ``"4x4"``) must come through as they are. The year or day of
    a date is not reported again as a bare number. A unit on one side only (``"50 %"``
    against ``"50"``) is tolerated; two different units (``"50 €"`` against ``"$50"``) are
    not.

    A number in digits on one side may be written another way on the other: in words
    (``"28"`` / ``"vingt-huit"``, ``"20 %"`` / ``"twenty per cent"``, ``"9 milliards"`` /
    ``"nine billion"``, read by text2num; ``"dozen"``, ``"centaine"`` from the tables), in
    Roman numerals (``"1ère Guerre mondiale"`` / ``"World War I"``), or inside a name
    (``"Formule 1"`` / ``"F1"``). An ordinal word backs only an ordinal (``"second"`` backs
    ``"2nd"``, not ``"2"``). Numbers written only in words are never reported themselves
    (``"un"``, ``"one"`` are too often not numbers). Month names are read in the text's
    language, accents optional, in any case, except that English ``"March"``, ``"May"`` and
    abbreviations need their capital and French abbreviations their period (``"sept."``).

    For a language without check tables (see :func:`~bilingual_digest.checks.has_tables`),
    both sides are compared as digit strings only.

    Known limits: values are compared as sets, so a value repeated on one side and given
    once on the other is not reported; signs are ignored; a numeric date such as
    ``04/05/2024`` may be read either way round.

    Args:
        source: The source segment.
        translation: Its translation.
        source_lang: Language code of ``source`` (``"fr"``, ``"en"``, …).
        target_lang: Language code of ``translation``.
        segment: Segment index to copy into each finding.

    Returns:
        ``number_missing`` findings (in source order) then ``number_added`` findings (in
        translation order); a changed number gives one of each.

    Raises:
        TypeError: If a text or language code is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language code is empty.
    """
    source_lang, target_lang = check_pair(source, translation, source_lang, target_lang)
    check_segment_index(segment)
    src_tables, tgt_tables = pair_tables(source_lang, target_lang)
    src = extract_mentions(source, src_tables)
    tgt = extract_mentions(translation, tgt_tables)
    missing = number_findings(
        src,
        tgt,
        translation,
        tgt_tables,
        "number_missing",
        segment,
        'The {noun} "{text}" in the source is missing from the translation.',
    )
    added = number_findings(
        tgt,
        src,
        source,
        src_tables,
        "number_added",
        segment,
        'The translation contains the {noun} "{text}", which is not in the source.',
    )
    return missing + added

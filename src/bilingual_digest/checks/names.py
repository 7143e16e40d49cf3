"""The names check: names and acronyms of the source that the translation lost."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .findings import Finding
from .language_tables import Tables, load_tables
from .text import check_pair, check_segment_index, fold

__all__ = ["check_names"]

# Particles of personal names, whatever the text's language ("Ludwig van Beethoven").
_NAME_PARTICLES = frozenset(
    ("von", "van", "der", "den", "di", "da", "do", "dos", "del", "della", "al", "el", "ben",
     "bin", "ibn", "y")
)  # fmt: skip
_NAME_TOKEN_RE = re.compile(r"(?P<dotted>(?:[A-Z]\.){2,})|(?P<word>\w+(?:['’\-]\w+)*)")
_BOUNDARY_CHARS = frozenset('.!?…:;«"“(\n')
_ROMAN_RE = re.compile(r"[IVX]+")
_ROMAN_ORDINAL_RE = re.compile(r"[IVXLC]+(?:eme|ème|e|er|re)")


@dataclass(frozen=True, eq=False)
class _PairTables:
    """What the names check reads from the two languages' tables, merged."""

    stopwords: frozenset[str]
    translatable: frozenset[str]
    connectors: frozenset[str]
    abbreviations: frozenset[str]
    elision: re.Pattern[str] | None
    equivalents: dict[str, frozenset[str]]  # form -> every form naming the same thing


@functools.lru_cache(maxsize=16)
def _pair_tables(source: Tables, target: Tables) -> _PairTables:
    keys_of: dict[str, set[str]] = {}
    forms_of: dict[str, set[str]] = {}
    for tables in (source, target):
        for form, keys in tables.equivalents.items():
            keys_of.setdefault(form, set()).update(keys)
            for key in keys:
                forms_of.setdefault(key, set()).add(form)
    equivalents = {
        form: frozenset(f for key in keys for f in forms_of[key]) for form, keys in keys_of.items()
    }
    elisions = sorted(source.elisions | target.elisions, key=lambda e: (-len(e), e))
    elision = (
        re.compile(rf"^(?:{'|'.join(map(re.escape, elisions))})['’](?=\w)", re.IGNORECASE)
        if elisions
        else None
    )
    return _PairTables(
        stopwords=source.name_stopwords | target.name_stopwords,
        translatable=source.translatable_words | target.translatable_words,
        connectors=source.name_connectors | target.name_connectors | _NAME_PARTICLES,
        abbreviations=source.title_abbreviations | target.title_abbreviations,
        elision=elision,
        equivalents=equivalents,
    )


@dataclass
class _NameToken:
    core: str  # the word without elision ("l'") or possessive ("'s")
    start: int  # start of the core
    end: int
    kind: str  # "acronym", "cap", "initial", "lower" or "other"
    initial: bool  # first word of a sentence (or of a quotation)


def _classify(core: str) -> tuple[str, str]:
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return "other", core
    upper = sum(c.isupper() for c in letters)
    lower = sum(c.islower() for c in letters)
    if len(letters) == 1 and upper == 1:
        return "initial", core
    if upper >= 2 and (lower == 0 or (lower == 1 and core.endswith("s"))):
        base = core[:-1] if lower else core
        if len(letters) <= 9 and not _ROMAN_RE.fullmatch(base):
            return "acronym", base
        return "other", core
    if _ROMAN_ORDINAL_RE.fullmatch(core):  # "XXIe" is a number, not a name
        return "other", core
    if core[0].isupper() and lower:
        return "cap", core
    return ("lower" if lower else "other"), core


def _name_tokens(text: str, tables: _PairTables) -> list[_NameToken]:
    tokens: list[_NameToken] = []
    prev_end = 0
    prev_core = ""
    for m in _NAME_TOKEN_RE.finditer(text):
        gap = text[prev_end : m.start()]
        boundary = not tokens or any(c in _BOUNDARY_CHARS and c != "." for c in gap)
        if "." in gap and not boundary:
            boundary = not (len(prev_core) == 1 or fold(prev_core) in tables.abbreviations)
        prev_end = m.end()
        if m.group("dotted"):
            core = m.group().replace(".", "")
            tokens.append(_NameToken(core, m.start(), m.end(), "acronym", boundary))
            prev_core = core
            continue
        word, start = m.group(), m.start()
        elision = tables.elision.match(word) if tables.elision else None
        if elision:
            word, start = word[elision.end() :], start + elision.end()
        word = re.sub(r"['’]s$", "", word)
        kind, core = _classify(word)
        tokens.append(_NameToken(core, start, start + len(word), kind, boundary))
        prev_core = word
    return tokens


def _joinable(text: str, left: _NameToken, right: _NameToken, tables: _PairTables) -> bool:
    gap = text[left.end : right.start]
    if "\n" in gap:
        return False
    stripped = gap.strip()
    if not stripped:
        return True
    # "Kurt M. Campbell", and an elided article glued to the next word ("d'État").
    if stripped == "." and (left.kind == "initial" or fold(left.core) in tables.abbreviations):
        return True
    return re.fullmatch(r"(?i)(?:l|d|qu)['’]", stripped) is not None


def _name_groups(
    text: str, tokens: list[_NameToken], tables: _PairTables
) -> list[list[_NameToken]]:
    """Runs of capitalised words (with connectors between them) forming one name."""
    groups: list[list[_NameToken]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].kind not in ("cap", "initial"):
            i += 1
            continue
        members = [tokens[i]]
        j = i + 1
        while j < len(tokens):
            if not _joinable(text, tokens[j - 1], tokens[j], tables):
                break
            if tokens[j].kind in ("cap", "initial"):
                members.append(tokens[j])
                j += 1
                continue
            k = j
            while (
                k < len(tokens)
                and tokens[k].kind == "lower"
                and fold(tokens[k].core) in tables.connectors
                and _joinable(text, tokens[k - 1], tokens[k], tables)
            ):
                k += 1
            if (
                k > j
                and k < len(tokens)
                and tokens[k].kind == "cap"
                and _joinable(text, tokens[k - 1], tokens[k], tables)
            ):
                members.extend(tokens[j : k + 1])
                j = k + 1
                continue
            break
        groups.append(members)
        i = j
    return groups


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _similar(a: str, b: str) -> bool:
    """Same name allowing for small spelling differences ("Pentagone" ~ "Pentagon")."""
    if a == b:
        return True
    if (len(a) >= 4 and a in b) or (len(b) >= 5 and b in a):
        return True
    prefix = _common_prefix(a, b)
    if prefix >= 5:
        return True
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < 0.6:
        return False
    ratio = matcher.ratio()
    return ratio >= 0.85 or (prefix >= 3 and ratio >= 0.75) or (prefix >= 4 and ratio >= 0.6)


class _TargetIndex:
    """What a translation contains, for quick name look-ups."""

    def __init__(self, text: str, tables: _PairTables) -> None:
        self.tables = tables
        self.folded = fold(text)
        self.words: set[str] = set()
        self.upper_words: set[str] = set()
        self.acronym_letters: set[str] = set()
        for token in _name_tokens(text, tables):
            if token.kind == "other" and not any(c.isalpha() for c in token.core):
                continue
            folded = fold(token.core)
            forms = {folded, *(p for p in folded.split("-") if p)}
            self.words.update(forms)
            if any(c.isupper() for c in token.core):
                self.upper_words.update(forms)
            if token.kind == "acronym":
                self.acronym_letters.add("".join(sorted(folded)))
        self._cache: dict[str, bool] = {}

    def _equivalent_present(self, form: str) -> bool:
        if " " in form or "." in form:
            pattern = rf"(?<!\w){re.escape(form)}(?!\w)"
            return re.search(pattern, self.folded) is not None
        if len(form) <= 3:
            return form in self.upper_words
        return self._fuzzy_present(form)

    def _fuzzy_present(self, form: str) -> bool:
        if form in self.words:
            return True
        if form not in self._cache:
            self._cache[form] = any(_similar(form, w) for w in self.words if len(w) >= 2)
        return self._cache[form]

    def has_word(self, core: str, *, allow_translatable: bool = True) -> bool:
        form = fold(core)
        if allow_translatable and form in self.tables.translatable:
            return True
        if any(self._equivalent_present(e) for e in self.tables.equivalents.get(form, ())):
            return True
        if self._fuzzy_present(form):
            return True
        # "Sud-Soudan" ~ "South Sudan": every part present, one of them not merely translatable.
        parts = [p for p in form.split("-") if len(p) > 1]
        return (
            len(parts) > 1
            and all(self.has_word(p) for p in parts)
            and any(self.has_word(p, allow_translatable=False) for p in parts)
        )

    def has_acronym(self, core: str) -> bool:
        form = fold(core)
        if form in self.upper_words:
            return True
        if "".join(sorted(form)) in self.acronym_letters:  # OTAN/NATO, UE/EU, RDC/DRC
            return True
        return any(self._equivalent_present(e) for e in self.tables.equivalents.get(form, ()))


def _looks_like_title(tokens: list[_NameToken]) -> bool:
    """A headline in Title Case or in capitals, where capitals say nothing about names."""
    words = [t for t in tokens if sum(c.isalpha() for c in t.core) >= 2]
    if len(words) < 4:
        return False
    capitalised = sum(t.kind in ("cap", "acronym") for t in words)
    return capitalised >= 0.7 * len(words)


def check_names(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str,
    *,
    segment: int | None = None,
) -> list[Finding]:
    """Flag names and acronyms of the source that are absent from the translation.

    The heuristic, tuned to avoid false alarms:

    * Candidates are acronyms (2+ capitals, no lower case; ``"CNSP"``, ``"U.S."``,
      ``"NGOs"``; Roman numerals excluded) and runs of capitalised words, joined across
      connectors (``de``, ``d'``, ``l'``, ``of``, ``the``, ``for``, ``von``...) and initials:
      ``"Kathleen Fitz Gibbon"``, ``"Kurt M. Campbell"``, ``"Département d'État"``.
      French elisions (``"l'Afrique"`` → ``"Afrique"``) and possessives (``"Ryder's"``) are
      stripped.
    * Capitalised function words, titles and month/day names (``"Les"``, ``"The"``,
      ``"Lors"``, ``"Mme"``, ``"Avril"``) never count. A run left with a single word that
      opens a sentence or a quotation is skipped (``"Niamey accueille..."`` is not checked).
    * A word counts as present when its accent-folded, case-folded form, or a close
      spelling of it, is among the translation's words: equal; one contains the other
      (``"Fitz"`` in ``"FitzGibbon"``); a shared prefix of 5+ letters (``"Département"`` /
      ``"Department"``); or a similarity ratio of 0.85 (0.75 with a 3-letter shared prefix,
      0.6 with 4: ``"Afrique"`` / ``"Africa"``). Common institutional words, titles and
      demonyms that translate (``"Conseil"``, ``"État"``, ``"Défense"``, ``"Secretary"``,
      ``"French"``) always count as present; the languages' tables of equivalents cover
      names that change completely (``"États-Unis"`` / ``"United States"``, ``"Allemagne"``
      / ``"Germany"``).
    * An acronym counts as present if the translation has it (in a word with a capital),
      the same letters reordered (``"OTAN"`` / ``"NATO"``), or a listed equivalent
      (``"ONU"`` / ``"UN"``).
    * A multi-word name is reported when more than half of its words are absent, so a
      dropped first name alone, or an institution name whose common nouns were translated,
      is not reported. The finding names the span from the first to the last absent word
      (adjacent names such as ``"Niger Kathleen Fitz Gibbon"`` cannot be told apart).
    * Text in Title Case or capitals throughout (a headline) is not checked for
      capitalised words, only for acronyms (and not at all if it is all in capitals).

    A language without check tables (see :func:`~bilingual_digest.checks.has_tables`) on
    either side skips this check: it returns no finding.

    Known limits: a sentence-initial one-word name is not checked; names spelled very
    differently across languages and not in the table (``"Kadhafi"`` / ``"Gaddafi"``) are
    reported; a name replaced by a similar-looking word is not.

    Args:
        source: The source segment.
        translation: Its translation.
        source_lang: Language code of ``source`` (``"fr"``, ``"en"``, …).
        target_lang: Language code of ``translation``.
        segment: Segment index to copy into each finding.

    Returns:
        One ``name_missing`` finding per distinct missing name, in source order.

    Raises:
        TypeError: If a text or language code is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language code is empty.
    """
    source_lang, target_lang = check_pair(source, translation, source_lang, target_lang)
    check_segment_index(segment)
    src_tables, tgt_tables = load_tables(source_lang), load_tables(target_lang)
    if src_tables is None or tgt_tables is None:
        return []
    tables = _pair_tables(src_tables, tgt_tables)
    tokens = _name_tokens(source, tables)
    if not tokens:
        return []
    target = _TargetIndex(translation, tables)
    title = _looks_like_title(tokens)
    all_caps = title and all(t.kind != "cap" for t in tokens)
    candidates: list[tuple[int, str]] = []

    def significant(token: _NameToken) -> bool:
        return token.kind == "cap" and fold(token.core) not in tables.stopwords

    if not all_caps:
        for token in tokens:
            if (
                token.kind == "acronym"
                and fold(token.core) not in tables.stopwords
                and not target.has_acronym(token.core)
            ):
                candidates.append((token.start, source[token.start : token.end]))
    if not title:
        for group in _name_groups(source, tokens, tables):
            while group and not significant(group[0]):
                group = group[1:]
            while group and not significant(group[-1]):
                group = group[:-1]
            kept = [t for t in group if significant(t)]
            if not kept or (len(kept) == 1 and kept[0].initial):
                continue
            missing = [t for t in kept if not target.has_word(t.core)]
            if 2 * len(missing) > len(kept):
                # Name the missing part: "Kathleen Fitz Gibbon" of "Niger Kathleen Fitz Gibbon".
                candidates.append((missing[0].start, source[missing[0].start : missing[-1].end]))

    findings: list[Finding] = []
    seen: set[str] = set()
    for _, name in sorted(candidates):
        key = fold(name)
        if key in seen:
            continue
        seen.add(key)
        findings.append(
            Finding(
                "name_missing",
                name,
                segment,
                f'The name "{name}" in the source is missing from the translation.',
            )
        )
    return findings

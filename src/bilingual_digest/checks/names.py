"""The names check: names and acronyms of the source that the translation lost."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from difflib import SequenceMatcher

from .entities import EntityIndex, entity_index
from .findings import Finding
from .language_tables import Tables, lexicon_form, load_tables
from .name_tokens import (
    NameToken,
    PairTables,
    looks_like_title,
    name_groups,
    name_tokens,
    pair_tables,
)
from .number_patterns import currency_codes
from .text import check_pair, check_segment_index, fold

__all__ = ["check_names"]


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


class _Target:
    """What a translation contains, for quick name look-ups."""

    def __init__(self, text: str, tables: PairTables) -> None:
        self.folded = fold(text)
        # Forms of the target language, and borrowed ones ("USA", "Länder") of the source's.
        self.indexes = (entity_index(tables.target), entity_index(tables.source))
        self.words: set[str] = set()
        self.upper_words: set[str] = set()
        self.acronyms: list[str] = []
        self.initials: list[str] = []  # first letters of each run of capitalised words
        self.content: list[str] = []  # first letters of the words that are not function words
        run = ""
        for token in name_tokens(text, tables):
            if token.kind == "other" and not any(c.isalpha() for c in token.core):
                continue
            folded = fold(token.core)
            if folded not in tables.stopwords and folded not in tables.connectors:
                self.content.append(folded[0])
            forms = {folded, *(p for p in folded.split("-") if p)}
            self.words.update(forms)
            if any(c.isupper() for c in token.core):
                self.upper_words.update(forms)
            if token.kind == "acronym":
                self.acronyms.append(folded)
            if token.kind in ("cap", "acronym", "initial"):
                run += folded[0]
            elif not (token.kind == "lower" and folded in tables.connectors):
                run = self._end_run(run)
        self._end_run(run)
        self._cache: dict[str, bool] = {}
        function = tables.stopwords | tables.target.function_words
        self.fuzzy_words = [
            w
            for w in self.words
            if len(w) >= 2 and (w in self.upper_words or (len(w) >= 3 and w not in function))
        ]

    def _end_run(self, run: str) -> str:
        if len(run) >= 2:
            self.initials.append(run)
        return ""

    def has_word(self, form: str) -> bool:
        """Whether the translation has this folded word, or one spelled nearly alike."""
        if form in self.words:
            return True
        if form not in self._cache:
            self._cache[form] = any(_similar(form, w) for w in self.fuzzy_words)
        return self._cache[form]

    def has_entity(self, keys: frozenset[str]) -> bool:
        return any(index.present(keys, self.folded, self.words) for index in self.indexes)

    def has_acronym(self, form: str, keys: frozenset[str]) -> bool:
        """The acronym itself, an equivalent (ONU/UN), one close to it (OTAN/NATO, OEA/OAS,
        PNB/GNP: the same length, all letters but one shared) or its expansion (initials of
        a run of capitalised words, in any order, all letters but one)."""
        if form in self.upper_words or (keys and self.has_entity(keys)):
            return True
        need = len(form) - 1 if len(form) >= 3 else len(form)
        for other in self.acronyms:
            if len(other) == len(form) and _shared(form, other) >= need:
                return True
        if any(_shared(form, run) >= need for run in self.initials):
            return True
        # Spelled out in ordinary words, in any order ("OPC": "Office pour la protection de
        # la concurrence"), every letter.
        size, letters = len(form), sorted(form)
        return size >= 2 and any(
            sorted(self.content[i : i + size]) == letters
            for i in range(len(self.content) - size + 1)
        )


def _shared(a: str, b: str) -> int:
    """How many letters of ``a`` ``b`` has (with repeats)."""
    pool = list(b)
    count = 0
    for char in a:
        if char in pool:
            pool.remove(char)
            count += 1
    return count


_PLURALS = (("ies", "y"), ("aux", "al"), ("es", ""), ("s", ""), ("x", ""))


def _is_common(word: str, tables: PairTables) -> bool:
    """A common word of the source language (or a plural of one, or made of such words:
    "Celui-ci", "Aujourd'hui", "Medium-sized"), or a word that translates ("Conseil")."""
    folded = fold(word)
    if folded in tables.translatable or folded in tables.stopwords:
        return True
    words = tables.source.common_words
    form = lexicon_form(word)
    if form in words:
        return True
    for ending, replacement in _PLURALS:
        if form.endswith(ending) and form[: -len(ending)] + replacement in words:
            return True
    parts = [p for p in re.split(r"[-']", form) if p]
    return len(parts) > 1 and all(_is_common(p, tables) for p in parts)


@functools.lru_cache(maxsize=8)
def _stems(tables: Tables) -> tuple[Callable[[str], str], frozenset[str]] | None:
    """The language's stemmer and the stems of its common words (None without a stemmer)."""
    if not tables.stemmer:
        return None
    try:
        import snowballstemmer
    except ImportError:  # pragma: no cover - a dependency
        return None
    stemmer = snowballstemmer.stemmer(tables.stemmer)
    return stemmer.stemWord, frozenset(stemmer.stemWords(sorted(tables.common_words)))


def _common_stem(word: str, tables: Tables) -> bool:
    """Whether a word's stem is a common word's ("troisièmement", "tournaient"), or it is an
    adverb of one ("Luckily": "lucky", "Unusually": "unusual")."""
    form = lexicon_form(word)
    for ending, base in (("ily", "y"), ("ly", ""), ("ement", "e"), ("ment", "")):
        if form.endswith(ending) and form[: -len(ending)] + base in tables.common_words:
            return True
    stems = _stems(tables)
    return stems is not None and stems[0](word.casefold()) in stems[1]


def _keys(tables: PairTables, token: NameToken, source: EntityIndex) -> tuple[frozenset[str], bool]:
    """The entity keys of a word, and whether it is a strong form (see :mod:`.entities`)."""
    form = fold(token.core)
    if token.kind == "cap" and len(form) <= 3:  # "Ce", "Au": short forms are acronyms only
        return frozenset(), False
    keys, strong = source.keys(form, stems=not _is_common(token.core, tables))
    # A form borrowed from the other language ("USA" in French text) names it too.
    borrowed, borrowed_strong = entity_index(tables.target).keys(form, stems=False)
    if keys and not borrowed and not source.keys(form, stems=False)[0]:
        # Only the beginning of a country's name: a people ("brésiliens", "Germans") is
        # weak; another word ("Francesco", "Brunetta") is a name of its own, and must be
        # found as it is (or as the country, should it be one).
        strong = strong or not form.endswith(_DEMONYM_ENDINGS)
    return keys | borrowed, strong or borrowed_strong


# How the names of peoples and their adjectives end, in French and English ("brésiliens",
# "Germans", "tchèques", "Pakistani", "Irish", "Chinese", "israélien").
_DEMONYM_ENDINGS = ("s", "x", "e", "n", "i", "ic", "ish", "ien", "ais", "ois")


def _required(tables: PairTables, token: NameToken, keys: frozenset[str], strong: bool) -> bool:
    """Whether a capitalised word must be found in the translation: a place or a name, not a
    common noun or title that translates ("Chambre", "Recherche", "Secretary") nor a demonym
    ("Czech", "allemands")."""
    if strong:
        return True
    if keys or _is_common(token.core, tables):
        return False
    # A capital opening a sentence says less: a verb or adverb form may be rarer than the
    # common words listed ("Tournaient", "Luckily"); its stem tells.
    return not (token.initial and _common_stem(token.core, tables.source))


def _acronym_findings(
    tokens: list[NameToken], target: _Target, tables: PairTables, source: EntityIndex
) -> list[NameToken]:
    missing = []
    currencies = currency_codes()
    for token in tokens:
        form = fold(token.core)
        if token.kind != "acronym" or form in tables.stopwords or token.core in currencies:
            continue
        if not target.has_acronym(form, _keys(tables, token, source)[0]):
            missing.append(token)
    return missing


def _phrase_keys(text: str, index: EntityIndex) -> dict[int, tuple[frozenset[str], bool]]:
    """Multi-word forms in the text ("Etats Unis", "Corée du Sud"): their keys by the start
    of each word inside them."""
    found: dict[int, tuple[frozenset[str], bool]] = {}
    for start, end, phrase in index.phrases_in(fold(text)):
        keys, strong = index.keys(phrase)
        for m in re.finditer(r"\w+", text[start:end]):
            found[start + m.start()] = (keys, strong)
    return found


# "Police fédérale (Bpol)", "Český rozhlas (la radio publique tchèque)": a name and a
# parenthesis right after it say one thing twice; a translation may keep either.
_GLOSS = re.compile(r"(?P<before>[\w'’-]+(?:\s+[\w'’-]+){0,2})\s*\((?P<inside>[^()]{1,80})\)")


def _glossed(text: str, tables: PairTables) -> list[tuple[int, int]]:
    """Spans that a translation may leave out: a parenthesis following words, and, when the
    parenthesis is a gloss (it opens with an article: "(la radio publique tchèque)"), the
    words right before it."""
    spans = []
    for m in _GLOSS.finditer(text):
        spans.append((m.start("inside"), m.end("inside")))
        first = (m.group("inside").split() or [""])[0]
        if first[:1].islower() and fold(first).rstrip("'’") in tables.stopwords:
            spans.append((m.start("before"), m.end("before")))
    return spans


def check_names(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str,
    *,
    segment: int | None = None,
) -> list[Finding]:
    """Flag names and acronyms of the source that are absent from the translation.

    * Candidates are acronyms (2+ capitals, no lower case; ``"CNSP"``, ``"U.S."``,
      ``"NGOs"``; Roman numerals and currency codes excluded) and capitalised words, read
      in runs joined across connectors (``de``, ``d'``, ``of``, ``von``...) and initials:
      ``"Kathleen Fitz Gibbon"``, ``"Département d'État"``. French elisions
      (``"l'Afrique"``) and possessives (``"Ryder's"``) are stripped.
    * A capitalised word is a name unless it is a function word, title or month
      (``"Les"``, ``"Mme"``, ``"Avril"``), an institutional word that translates
      (``"Conseil"``, ``"Secretary"``), or one of the language's common words (its
      lower-case form is a whole word of the OPUS-MT tokenizer's vocabulary: ``"Chambre"``,
      ``"Recherche"``, ``"House"``): those are not required. Countries, peoples, languages
      and cities are names whose form changes: CLDR's names in both languages and a small
      table say which forms match (``"Brésil"``/``"Brazil"``, ``"Allemands"``/
      ``"Germans"``, ``"Londres"``/``"London"``, ``"ONU"``/``"UN"``; see
      :mod:`bilingual_digest.checks.entities`).
    * A name counts as present when the translation has it, or a close spelling of it
      (``"Pentagone"``/``"Pentagon"``, ``"Afrique"``/``"Africa"``), or an equivalent form.
      Each missing word of a name is reported, the run from the first missing word to the
      last: a first name dropped is reported too.
    * An acronym counts as present if the translation has it, an equivalent (ONU/UN), one
      of the same length sharing all letters but one (OTAN/NATO, OEA/OAS), or capitalised
      words whose initials give all its letters but one (its expansion).
    * Text in Title Case or capitals throughout (a headline: no lower-case word but
      function words and connectors) is not checked for capitalised words, only for
      acronyms (and not at all if it is all in capitals). A sentence that is mostly names
      ("Lives remembered: Vernon Handley and William Woodruff") is checked.
    * A name in parentheses right after other words (``"la police fédérale (Bpol)"``), and
      the words right before a parenthesis that glosses them (``"Český rozhlas (la radio
      publique tchèque)"``) may be left out: the translation may keep either form.

    A language without check tables (see :func:`~bilingual_digest.checks.has_tables`) on
    either side skips this check: it returns no finding.

    Known limits: names spelled very differently across languages and in no table
    (``"Kadhafi"``/``"Gaddafi"``) are reported; a name that is also a common word
    (``"Bush"``, ``"Pierre"``) alone is not required; a name replaced by a similar-looking
    word is not reported.

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
    tables = pair_tables(src_tables, tgt_tables)
    tokens = name_tokens(source, tables)
    if not tokens:
        return []
    target = _Target(translation, tables)
    src_index = entity_index(src_tables)
    title = looks_like_title(tokens, tables)
    all_caps = title and all(t.kind != "cap" for t in tokens)
    candidates: list[tuple[int, str]] = []
    if not all_caps:
        for token in _acronym_findings(tokens, target, tables, src_index):
            candidates.append((token.start, source[token.start : token.end]))
    if not title:
        phrases = _phrase_keys(source, src_index)
        for group in name_groups(source, tokens, tables):
            kept = [t for t in group if t.kind == "cap" and fold(t.core) not in tables.stopwords]
            missing, required = [], False
            for token in kept:
                keys, strong = phrases.get(token.start) or _keys(tables, token, src_index)
                if target.has_word(fold(token.core)) or (keys and target.has_entity(keys)):
                    continue
                missing.append(token)
                required = required or _required(tables, token, keys, strong)
            if required:
                # Name the missing part: "Kathleen Fitz Gibbon" of "Niger Kathleen Fitz Gibbon".
                candidates.append((missing[0].start, source[missing[0].start : missing[-1].end]))

    findings: list[Finding] = []
    seen: set[str] = set()
    glosses = _glossed(source, tables)
    for start, name in sorted(candidates):
        if any(a <= start < b for a, b in glosses):
            continue
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

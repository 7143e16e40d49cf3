"""Names that change from one language to another: countries, peoples, languages, cities.

"Brésil" is "Brazil", "les Allemands" are "the Germans", "Londres" is "London". The names
check asks this module which forms in the other language name the same thing. Forms come
from two places:

- CLDR, through Babel, for any language it knows: country and region names
  (``Locale.territories``), language names (``Locale.languages``; a language is linked to
  the country CLDR deems its likeliest, so "allemand" ↔ "German" ↔ "Germany" ↔
  "Allemagne"), and the exemplar cities of time zones ("Londres", "Moscou", "Varsovie");
- the language's check tables (``equivalents``): what CLDR lacks, mostly demonyms that
  look nothing like their country ("anglais"/"English"), historical names ("URSS"/"USSR")
  and the usual acronyms (ONU/UN, OTAN/NATO, UE/EU, OMS/WHO …).

Two forms name the same thing when they share a key (an ISO country code, ``"lang:de"``,
``"city:Europe/London"``, ``"org:un"`` …). A word also matches a one-word form it extends:
"brésiliens" ↔ "Brésil", "Germans" ↔ "Germany", "tchèques" ↔ "Tchéquie" (a shared
beginning of at least five letters and of all but the last three letters of the form), so
demonyms need no table of their own where they are built on the country's name.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from .language_tables import Tables
from .text import fold

__all__ = ["EntityIndex", "entity_index"]

logger = logging.getLogger("bilingual_digest")

_MIN_STEM = 5


@dataclass(frozen=True, eq=False)
class EntityIndex:
    """One language's forms of names that change across languages, and their keys.

    Forms are folded, with hyphens read as spaces ("royaume uni"). A form is *strong* when it
    names a place or an organisation (a country, a city, an acronym: the translation must
    have it in some form) and *weak* when it is a language name or a demonym ("allemand",
    "Czech": translations drop or fold these into other words, so they are never required).
    """

    phrases: dict[str, frozenset[str]]  # several words: "etats unis", "royaume uni"
    words: dict[str, frozenset[str]]  # one word: "bresil", "allemand"
    forms: dict[str, frozenset[str]]  # key -> every form of this language
    strong: frozenset[str]  # the forms that are strong

    def keys(self, form: str, *, stems: bool = True) -> tuple[frozenset[str], bool]:
        """The keys a folded word or phrase names, and whether one of its forms is strong.

        With ``stems``, a word also names what a one-word form it extends names (a weak
        match: "brésiliens" of "Brésil").
        """
        form = _spaced(form)
        found = set(self.words.get(form, ())) | set(self.phrases.get(form, ()))
        strong = form in self.strong
        if not found and form.endswith(("s", "x")):  # "Koreans", "Tchèques", "Allemands"
            singular = form[:-1]
            found, strong = set(self.words.get(singular, ())), singular in self.strong
        if stems and " " not in form and len(form) > _MIN_STEM:
            for length in range(len(form) - 1, _MIN_STEM - 1, -1):
                for size, keys in self._stems().get(form[:length], ()):
                    if len(form) >= size - 1:  # the word extends the form, not the reverse
                        found.update(keys)
        return frozenset(found), strong

    def phrases_in(self, folded_text: str) -> list[tuple[int, int, str]]:
        """Where the multi-word forms are in a folded text: (start, end, form).

        Every occurrence of every form, overlaps included; only the forms whose first word
        is in the text are looked for (a few of the thousands CLDR gives)."""
        spaced = _spaced_same_length(folded_text)
        index = self._phrases_by_first_word()
        candidates = [*index.get("", ())]
        for word in set(_WORD.findall(spaced)):
            candidates.extend(index.get(word, ()))
        found = []
        for _, phrase in sorted(candidates):  # in the order of the forms, as before
            for m in _whole(phrase).finditer(spaced):
                found.append((m.start(), m.end(), phrase))
        return found

    @functools.cache  # noqa: B019 - one index per language, kept for the process
    def _phrases_by_first_word(self) -> dict[str, list[tuple[int, str]]]:
        """The multi-word forms (with their rank) by their first word ("" for a form that
        does not start with one)."""
        index: dict[str, list[tuple[int, str]]] = {}
        for rank, phrase in enumerate(self.phrases):
            first = _WORD.match(phrase)
            index.setdefault(first.group() if first else "", []).append((rank, phrase))
        return index

    @functools.cache  # noqa: B019 - one index per language, kept for the process
    def _stems(self) -> dict[str, list[tuple[int, frozenset[str]]]]:
        """Beginnings of one-word forms a longer word may extend ("bresil" of "bresiliens"),
        with the length of the form."""
        stems: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for form, keys in self.words.items():
            # Countries and regions (not languages, cities, given names or events: "Antonio"
            # is no "Anthony", "Christopher" no "Christmas"): "brésiliens" of "Brésil".
            if len(form) > _MIN_STEM and form in self.strong and _places(keys):
                stem = form[: max(_MIN_STEM, len(form) - 3)]
                stems.setdefault(stem, []).append((len(form), keys))
        return stems

    def present(self, keys: frozenset[str], folded_text: str, words: set[str]) -> bool:
        """Whether a text (folded, and its folded words) has a form of one of the keys."""
        spaced = _spaced(folded_text)
        for key in keys:
            for form in self.forms.get(key, ()):
                if " " in form:
                    if _whole(form).search(spaced):
                        return True
                elif form in words or (
                    len(form) > _MIN_STEM
                    and any(w.startswith(form[: max(_MIN_STEM, len(form) - 3)]) for w in words)
                ):
                    return True
        return False


_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=4096)
def _whole(form: str) -> re.Pattern[str]:
    """A form as a whole word or phrase (compiled once: ``re``'s own cache holds 512)."""
    return re.compile(rf"(?<!\w){re.escape(form)}(?!\w)")


def _places(keys: frozenset[str]) -> bool:
    """Whether the keys name countries and regions only (ISO codes, CLDR's region numbers,
    ``region:``), whose peoples' names are built on them; not cities, given names, events."""
    return all(key.isupper() or key.isdigit() or key.startswith("region:") for key in keys)


def _spaced(text: str) -> str:
    """Hyphens and apostrophes read as spaces, runs of spaces as one."""
    return " ".join(re.sub(r"[-‐‑'’]", " ", text).split())


def _spaced_same_length(text: str) -> str:
    return re.sub(r"[-‐‑'’\s]", " ", text)


def _cldr_forms(code: str) -> tuple[dict[str, set[str]], set[str]]:
    """form -> keys from CLDR through Babel, and the strong forms (none for an unknown code)."""
    try:
        from babel import Locale, UnknownLocaleError
        from babel.core import get_global
    except ImportError:  # pragma: no cover - a dependency
        logger.warning("Babel is not installed: country and city names are not translated.")
        return {}, set()
    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return {}, set()
    forms: dict[str, set[str]] = {}
    strong: set[str] = set()

    def add(name: str, keys: list[str], is_strong: bool) -> None:
        form = _spaced(fold(name))
        forms.setdefault(form, set()).update(keys)
        if is_strong:
            strong.add(form)

    for territory, name in locale.territories.items():
        if territory != "001":  # countries, regions ("150": Europe), "EU", "UN"; not the world
            add(name, [territory], True)
    likely = get_global("likely_subtags")
    for language, name in locale.languages.items():
        if "_" in language or len(language) > 3:
            continue
        region = str(likely.get(language, "")).split("_")[-1]
        add(name, [f"lang:{language}", *([region] if region.isalpha() else [])], False)
    for zone in get_global("zone_territories"):
        if "/" not in zone or zone.startswith(("Etc/", "SystemV/")):
            continue
        city = locale.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[1]
        add(city.replace("_", " "), [f"city:{zone}"], True)
    return forms, strong


@functools.lru_cache(maxsize=16)
def entity_index(tables: Tables) -> EntityIndex:
    """The forms of one language: CLDR's, and its tables' ``equivalents`` and ``demonyms``."""
    forms, strong = _cldr_forms(tables.code)
    for table, is_strong in ((tables.equivalents, True), (tables.demonyms, False)):
        for form, keys in table.items():
            form = _spaced(form)
            forms.setdefault(form, set()).update(keys)
            if is_strong:
                strong.add(form)
    phrases: dict[str, frozenset[str]] = {}
    words: dict[str, frozenset[str]] = {}
    by_key: dict[str, set[str]] = {}
    for form, keys in forms.items():
        if not form:
            continue
        (phrases if " " in form else words)[form] = frozenset(keys)
        for key in keys:
            by_key.setdefault(key, set()).add(form)
    return EntityIndex(
        phrases, words, {k: frozenset(v) for k, v in by_key.items()}, frozenset(strong)
    )

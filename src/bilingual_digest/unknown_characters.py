"""The unknown-character step: nothing the model can't read is silently lost.

A model's vocabulary lacks some characters: with the real tokenizer files,
opus-mt-tc-big-fr-en has no ``ö ü Ç á č ř £ €`` … (about 5 % of French news sentences
hold one). The tokenizer maps them to ``<unk>`` and decoding drops it, so "Hans-Christian
Ströbele" came back as "Hans-Christian Strbele" with no warning. The backend says which
characters of a sentence it can't read
(:meth:`~bilingual_digest.backends.Backend.unknown_characters`); :class:`UnknownCharacterStep`
then changes what the model reads, so it never sees ``<unk>``, and mends the output:

- **A word with unknown letters** ("Ströbele", "Čapek", "Москва") is read in ASCII
  (``anyascii``: "Strobele", "Capek", "Moskva"), which the model can copy. Where the output
  holds that ASCII form as a whole word, the original word is put back in its place; where
  it doesn't (the model translated or misspelt the name), the sentence is flagged.
- **Any other unknown character** (``£``, ``€``, ``|`` …, or a word with no ASCII form) is
  left out of what the model reads, and put back next to the word it stood against in the
  source when the output holds that word exactly once (``20 €`` → ``20`` → "20 €"); else the
  sentence is flagged. A sentence with no word left for the model (a line of symbols) comes
  back as it was.

A word or sign put back is matched in any case ("STROBELE" → "STRÖBELE"); an ASCII form the
source also holds as written ("Ramon et Ramón") is ambiguous, so it is flagged, not guessed.

A flag is a :class:`~bilingual_digest.checks.Finding` of kind ``character_lost``: the
translation may lack something of the source, and the user is told what.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .checks import Finding

_WORD = re.compile(r"[^\W_]+")
_GAP = "\x00"  # where characters were left out (sanitize.py removes NUL from every text)
_GAP_BEFORE_PUNCTUATION = re.compile(r"\s*\x00(?=[^\w\s])")


def _whole_word(word: str) -> re.Pattern[str]:
    """``word`` as a whole word, in any case."""
    return re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)


def _same_case(written: str, ascii_form: str, word: str) -> str | None:
    """``word`` in the case the output wrote its ASCII form in, or ``None`` if mixed."""
    for change in (str, str.upper, str.lower, str.capitalize):
        if written == change(ascii_form):
            return change(word)
    return None


def _ascii_form(word: str, unknown: set[str]) -> str:
    """``word`` with each unknown character in ASCII (``""`` if one has no ASCII form)."""
    from anyascii import anyascii

    out = []
    for char in word:
        if char in unknown:
            ascii_char = anyascii(char)
            if not ascii_char.isalnum():
                return ""
            out.append(ascii_char)
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class _Swap:
    """A word the model read in ASCII: ``ascii_form`` in the output becomes ``word``."""

    word: str
    ascii_form: str
    chars: str
    own: bool = False  # the source also holds the ASCII form as written: can't tell them apart

    def put_back(self, output: str) -> str | None:
        """``output`` with ``word`` in place of each ``ascii_form``, or ``None`` if none is."""
        found = list(_whole_word(self.ascii_form).finditer(output))
        words = [_same_case(m.group(), self.ascii_form, self.word) for m in found]
        if not found or None in words:
            return None
        for match, word in zip(reversed(found), reversed(words), strict=True):
            output = output[: match.start()] + str(word) + output[match.end() :]
        return output

    def finding(self) -> Finding:
        said = (
            f'"{self.ascii_form}" is also in the source as written, so it was left as is'
            if self.own
            else f'"{self.ascii_form}" is not in its translation'
        )
        return Finding(
            "character_lost",
            self.word,
            None,
            f'The model can\'t read "{self.chars}", so it read "{self.ascii_form}" for '
            f'"{self.word}"; {said}: check how "{self.word}" was translated.',
        )


@dataclass(frozen=True)
class _Removed:
    """Characters left out of the model input, to be put back next to a word around them."""

    chars: str
    before: str | None  # the word just before, with only spaces between (model-input form)
    after: str | None  # the word just after
    space_before: bool
    space_after: bool
    at_end: bool = False  # nothing but spaces after it in the sentence

    def finding(self) -> Finding:
        return Finding(
            "character_lost",
            self.chars,
            None,
            f'The model can\'t read "{self.chars}": it was left out of what the model read and '
            "can't be put back in the translation for sure: check what the sentence lacks.",
        )

    def put_back(self, output: str) -> str | None:
        """``output`` with the characters next to their neighbour word, or ``None``."""
        sides = [("after", self.after), ("before", self.before)]
        if self.space_after and not self.space_before:
            sides.reverse()  # glued to the word before it ("20€"): that one first
        for side, word in sides:
            if word is None:
                continue
            found = list(_whole_word(word).finditer(output))
            if len(found) != 1:
                continue
            if side == "after":  # goes before that word
                at = found[0].start()
                lead = " " if self.space_before and at > 0 and not output[at - 1].isspace() else ""
                return (
                    output[:at]
                    + lead
                    + self.chars
                    + (" " if self.space_after else "")
                    + (output[at:])
                )
            at = found[0].end()
            tail = " " if self.space_after and output[at : at + 1].isalnum() else ""
            return (
                output[:at] + (" " if self.space_before else "") + self.chars + tail + (output[at:])
            )
        if self.at_end:  # the sentence's last character ("… dénouement. ¨"): still the last
            return output.rstrip() + (" " if self.space_before else "") + self.chars
        return None


class _Mender:
    """Undoes :class:`UnknownCharacterStep` on one output."""

    def __init__(
        self, swaps: Sequence[_Swap], removed: Sequence[_Removed], whole: str | None = None
    ) -> None:
        self.swaps = tuple(swaps)
        self.removed = tuple(removed)
        self.whole = whole  # a sentence the model read no word of: it comes back as it was

    def __call__(self, output: str) -> tuple[str, tuple[Finding, ...]]:
        if self.whole is not None:
            return self.whole, ()
        findings = []
        for item in self.removed:
            mended = item.put_back(output)
            if mended is None:
                findings.append(item.finding())
            else:
                output = mended
        for swap in self.swaps:
            mended = None if swap.own else swap.put_back(output)
            if mended is None:
                findings.append(swap.finding())
            else:
                output = mended
        return output, tuple(findings)


class UnknownCharacterStep:
    """Characters the model can't read: read in ASCII or left out, then put back or flagged.

    Args:
        unknown: The backend's
            :meth:`~bilingual_digest.backends.Backend.unknown_characters`.
    """

    def __init__(self, unknown: Callable[[str], Sequence[str]]) -> None:
        self.unknown = unknown

    def __repr__(self) -> str:
        return f"UnknownCharacterStep({self.unknown!r})"

    def unknown_in(self, text: str) -> set[str]:
        """The characters of ``text`` the model can't read (as written in ``text``)."""
        reported = {char for item in self.unknown(text) for char in item}
        if not reported:
            return set()
        return {
            char
            for char in set(text)
            if char in reported or any(c in reported for c in unicodedata.normalize("NFKC", char))
        }

    def prepare(self, text: str) -> tuple[str, _Mender | None]:
        """The sentence the model can read all of, and how to mend its output."""
        unknown = self.unknown_in(text)
        if not unknown:
            return text, None
        swaps: list[_Swap] = []
        words = set(_WORD.findall(text))
        parts: list[str] = []  # the model input, built word by word
        gaps: list[tuple[int, str]] = []  # (index in parts, characters left out there)
        cursor = 0
        for match in _WORD.finditer(text):
            self._outside(text[cursor : match.start()], unknown, parts, gaps)
            word = match.group()
            chars = "".join(dict.fromkeys(c for c in word if c in unknown))
            if not chars:
                parts.append(word)
            elif (ascii_form := _ascii_form(word, unknown)) and not self.unknown(ascii_form):
                if word not in (swap.word for swap in swaps):
                    swaps.append(_Swap(word, ascii_form, chars, own=ascii_form in words))
                parts.append(ascii_form)
            else:
                gaps.append((len(parts), word))
                parts.append(_GAP)
            cursor = match.end()
        self._outside(text[cursor:], unknown, parts, gaps)
        removed = [self._removed(parts, index, chars) for index, chars in gaps]
        # A gap takes the space before it when punctuation follows ("20 £." reads "20.").
        joined = _GAP_BEFORE_PUNCTUATION.sub("", "".join(parts)).replace(_GAP, "")
        model_input = re.sub(r"\s{2,}", " ", joined).strip()
        nothing_left = not _WORD.search(model_input)  # no word to translate: keep it all
        return model_input, _Mender(swaps, removed, text if nothing_left else None)

    @staticmethod
    def _outside(
        between: str, unknown: set[str], parts: list[str], gaps: list[tuple[int, str]]
    ) -> None:
        """Append the text between two words, each run of unknown characters a gap."""
        for chunk in re.split(f"([{re.escape(''.join(sorted(unknown)))}]+)", between):
            if chunk and chunk[0] in unknown:
                gaps.append((len(parts), chunk))
                parts.append(_GAP)
            elif chunk:
                parts.append(chunk)

    @staticmethod
    def _removed(parts: list[str], index: int, chars: str) -> _Removed:
        """The gap at ``parts[index]``, with the words and spaces around it."""
        left = "".join(parts[:index]).replace(_GAP, "")
        right = "".join(parts[index + 1 :]).replace(_GAP, "")
        before = re.search(r"([^\W_]+)\s*$", left)
        after = re.match(r"\s*([^\W_]+)", right)
        return _Removed(
            chars,
            before.group(1) if before else None,
            after.group(1) if after else None,
            left[-1:].isspace(),
            right[:1].isspace(),
            not right.strip(),
        )

"""What a check returns: :class:`Finding` and the kinds it can have."""

from __future__ import annotations

from dataclasses import dataclass

FINDING_KINDS: tuple[str, ...] = (
    "number_missing",
    "number_added",
    "name_missing",
    "untranslated",
    "empty",
    "length_ratio",
    "repetition",
    "summary_number_unsupported",
    "protected_lost",
    "glossary_lost",
    "character_lost",
)
"""Every value :attr:`Finding.kind` can take."""


@dataclass(frozen=True)
class Finding:
    """One problem found by a check.

    Attributes:
        kind: What was found, one of :data:`FINDING_KINDS`.
        text: The text in question, as written (a number, a name, a repeated phrase, or an
            excerpt of the segment).
        segment: The segment index the caller passed, or ``None``.
        message: A plain-language English sentence for the user.
    """

    kind: str
    text: str
    segment: int | None
    message: str

    def __post_init__(self) -> None:
        if self.kind not in FINDING_KINDS:
            raise ValueError(
                f"Unknown finding kind {self.kind!r}: accepted values are "
                f"{', '.join(FINDING_KINDS)}."
            )

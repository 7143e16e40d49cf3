"""How warnings are told (issue 12): counted by kind in one line, shown beside their sentence
on the page, grouped by kind in the report; the notes on the whole text listed in full."""

from __future__ import annotations

import doctest
import logging
from dataclasses import replace

import pytest

from bilingual_digest import notices
from bilingual_digest.checks import FINDING_KINDS, Finding
from bilingual_digest.digest import Digest
from bilingual_digest.report import digest_markdown, warnings_markdown
from bilingual_digest.ui import render
from ui_fakes import FakeDigester

TEXT = "Il a 9 ans. Paris est loin. Bien. Merci. Au revoir."


def _finding(kind: str, text: str, index: int) -> Finding:
    return Finding(kind, text, index, f"The {kind.replace('_', ' ')} {text!r}.")


def flagged_digest(warnings: tuple[str, ...] = ()) -> Digest:
    """A digest of five sentences: sentence 1 lost a number and a name, sentence 2 a name,
    sentence 4 was cut short and translated again, and the others are fine."""
    digest = FakeDigester(warnings=warnings).digest(TEXT, source="fr")
    segments = list(digest.translation.segments)
    assert len(segments) == 5
    segments[0] = replace(segments[0], findings=(_finding("name_missing", "Max", 0),
                                                 _finding("number_missing", "9", 0)))  # fmt: skip
    segments[1] = replace(segments[1], findings=(_finding("name_missing", "Paris", 1),))
    segments[3] = replace(segments[3], complete=False, retried=True)
    return replace(digest, translation=replace(digest.translation, segments=tuple(segments)))


def test_the_module_examples_hold() -> None:
    assert doctest.testmod(notices).failed == 0


def test_every_finding_kind_has_a_label() -> None:
    assert set(FINDING_KINDS) < set(notices.KIND_LABELS)


def test_one_line_counts_the_sentence_warnings_by_kind() -> None:
    segments = flagged_digest().translation.segments
    assert notices.summary_line(segments) == (
        "3 of 5 sentences have a warning: number missing 1 (sentence 1); name missing 2 "
        "(sentences 1, 2); may be cut short 1 (sentence 4); translated again 1 (sentence 4)."
    )
    assert notices.summary_line(FakeDigester().digest(TEXT, source="fr").translation.segments) == ""


def test_sentence_warnings_leave_the_list_other_notes_stay() -> None:
    segments = flagged_digest().translation.segments
    warnings = [
        "Removed 1 invisible control character(s).",
        "Article translation: Sentence 1: The number 9 is missing.",
        "Article translation: Sentence 4 reached the limit of 512 generated tokens: ...",
        "Article translation: Sentence 3: a warning the sentence itself doesn't carry.",
        "Sentence 2: The name Paris is missing.",
        "Summary translation: Sentence 1: The number 9 is missing.",
        "Summary: The text is too short to summarise.",
    ]
    assert notices.general_notes(warnings, segments) == [
        "Removed 1 invisible control character(s).",
        "Article translation: Sentence 3: a warning the sentence itself doesn't carry.",
        "Summary translation: Sentence 1: The number 9 is missing.",
        "Summary: The text is too short to summarise.",
    ]


def test_the_page_says_one_line_above_and_the_rest_beside_each_sentence() -> None:
    digest = flagged_digest(("Article translation: Sentence 1: x.", "Summary: Too short."))
    assert render.render_notices(digest) == (
        "**Warnings.** 3 of 5 sentences have a warning: number missing 1 (sentence 1); name "
        "missing 2 (sentences 1, 2); may be cut short 1 (sentence 4); translated again 1 "
        "(sentence 4). Each is shown beside its sentence below.\n"
        "\n"
        "**Notes**\n"
        "\n"
        "- Summary: Too short."
    )
    assert render.render_notices(flagged_digest()).count("\n") == 0  # no notes: one line
    only_notes = FakeDigester(warnings=("Summary: Too short.",)).digest(TEXT, source="fr")
    assert render.render_notices(only_notes) == "**Notes**\n\n- Summary: Too short."
    page = render.render_aligned(digest)
    assert (
        "Il a 9 ans.</span>"
        '<span class="bd-tgt" role="cell" tabindex="0" lang="en" data-seg="0">IL A 9 ANS.'
        ' <span class="bd-flag" title="The name missing &#x27;Max&#x27;.">name missing: Max</span>'
        ' <span class="bd-flag" title="The number missing &#x27;9&#x27;.">number missing: 9</span>'
        "</span>"
    ) in page


def test_the_page_marks_the_least_confident_sentences() -> None:
    digest = FakeDigester().digest(TEXT, source="fr")
    scores = (-0.2, -1.5, -0.1, None, -0.3)
    segments = tuple(
        replace(s, confidence=c) for s, c in zip(digest.translation.segments, scores, strict=True)
    )
    assert notices.least_confident(segments) == {1}  # the lowest tenth of 4, rounded up
    page = render.render_aligned(
        replace(digest, translation=replace(digest.translation, segments=segments))
    )
    assert page.count("bd-unsure") == 1
    assert (
        'data-seg="1">PARIS EST LOIN. <span class="bd-unsure" title="Among the sentences the '
        "translation model was least sure of in this text (by the probability it gave its own "
        'words; not a measure of correctness).">least confident</span></span>'
    ) in page
    assert notices.least_confident(segments[:1]) == set()  # nothing to compare with
    assert "bd-unsure" not in render.render_aligned(digest)  # no confidence: no mark


def test_the_report_groups_the_warnings_by_kind() -> None:
    digest = flagged_digest(("Summary: Too short.",))
    assert warnings_markdown(digest) == [
        "## Warnings",
        "",
        "3 of 5 sentences have a warning: number missing 1 (sentence 1); name missing 2 "
        "(sentences 1, 2); may be cut short 1 (sentence 4); translated again 1 (sentence 4).",
        "",
        "### Number missing (1)",
        "",
        "- Sentence 1: The number missing '9'.",
        "",
        "### Name missing (2)",
        "",
        "- Sentence 1: The name missing 'Max'.",
        "- Sentence 2: The name missing 'Paris'.",
        "",
        "### May be cut short (1)",
        "",
        "- Sentence 4: Its translation reached the token limit and may be cut short.",
        "",
        "### Translated again (1)",
        "",
        "- Sentence 4: The model repeated itself; the sentence was translated again.",
        "",
        "### Notes",
        "",
        "- Summary: Too short.",
        "",
    ]
    assert "\n".join(warnings_markdown(digest)) in digest_markdown(digest)
    assert warnings_markdown(FakeDigester().digest(TEXT, source="fr")) == []


def test_the_command_line_ends_with_the_count(
    tiny_env: dict[str, str], tmp_path, capsys: pytest.CaptureFixture[str], caplog
) -> None:
    from bilingual_digest.cli import main

    caplog.set_level(logging.WARNING, logger="bilingual_digest")
    source = tmp_path / "a.txt"
    source.write_text("Le 14 juillet 2023, Emmanuel Macron a parlé.", encoding="utf-8")
    assert main(["translate", str(source), "--beams", "1", "--direction", "fr-en"]) == 0
    messages = [r.getMessage() for r in caplog.records]
    # The tiny model's output is gibberish: the checks flag the lost date and name.
    assert messages[:-1] and all(m.startswith("Sentence 1") for m in messages[:-1])
    assert messages[-1].startswith("1 of 1 sentence has a warning: ")
    assert "number missing" in messages[-1]

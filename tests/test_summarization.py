from __future__ import annotations

from pathlib import Path

import pytest

from bilingual_digest import (
    InputError,
    ModelUnavailableError,
    Summarizer,
    SummaryOptions,
    summarize,
)
from bilingual_digest.options import GenerationOptions
from bilingual_digest.summarization import LENGTHS, default_summarizer

from fakes import LeadBackend
from tiny_models import english_lines

ARTICLE = " ".join(english_lines())  # 20 sentences, 340 fake tokens


def fake(
    max_input_tokens: int = 1024, config: dict[str, str] | None = None, **kwargs
) -> Summarizer:
    return Summarizer(backend=LeadBackend(max_input_tokens, config=config), **kwargs)


def lead(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


# --- options -----------------------------------------------------------------------------------


def test_length_presets_map_to_token_bounds() -> None:
    options = SummaryOptions()
    assert {name: options.bounds(name) for name in LENGTHS} == {
        "short": (20, 60),
        "medium": (56, 142),
        "long": (120, 300),
    }
    # Other decoding settings stay None: the model's own defaults (DistilBART: beam 4 …).
    assert options.generation("medium") == GenerationOptions(max_new_tokens=142, min_new_tokens=56)
    assert SummaryOptions(max_new_tokens=8).bounds("long") == (8, 8)
    assert SummaryOptions(min_new_tokens=5, max_new_tokens=9).bounds("short") == (5, 9)
    assert SummaryOptions(num_beams=2).generation(" Short ").as_kwargs() == {
        "num_beams": 2,
        "max_new_tokens": 60,
        "min_new_tokens": 20,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_beams": 0}, "SummaryOptions.num_beams must be a positive integer or None, got 0"),
        ({"batch_size": 0}, "SummaryOptions.batch_size must be a positive integer, got 0"),
        ({"max_rounds": True}, "SummaryOptions.max_rounds must be a positive integer, got True"),
        ({"length_penalty": -1.0}, "length_penalty must be a non-negative number or None"),
        ({"min_new_tokens": 9, "max_new_tokens": 8}, "must not exceed max_new_tokens \\(9 > 8\\)"),
    ],
)
def test_options_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SummaryOptions(**kwargs)  # type: ignore[arg-type]


def test_bad_length_and_input_are_clear_errors() -> None:
    summarizer = fake()
    with pytest.raises(ValueError, match="accepted values are 'short', 'medium', 'long'"):
        summarizer.summarize(ARTICLE, "huge")
    with pytest.raises(InputError, match="The text is empty"):
        summarizer.summarize("  \n ")
    with pytest.raises(TypeError, match="expects a str or a list of str"):
        summarize(42)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="SummaryOptions instance"):
        fake(options={"max_new_tokens": 8})  # type: ignore[arg-type]
    assert summarizer.backend.calls == []


# --- the engine's logic, with a fake summariser ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"), [("One short sentence.", 1), ("Two sentences.\nAnd a second one.", 2)]
)
def test_too_short_text_is_its_own_summary_without_a_model_call(text: str, count: int) -> None:
    summarizer = fake()
    result = summarizer.summarize("  " + text + "\n")
    assert result.text == text
    assert result.model_called is False and result.chunks == 0
    assert result.warnings == (
        f"The text is too short to summarise ({count} sentence{'s' * (count > 1)}): "
        "the summary is the text itself.",
    )
    assert summarizer.backend.calls == []


def test_a_text_that_fits_is_summarised_in_one_call() -> None:
    summarizer = fake()
    result = summarizer.summarize(ARTICLE + "\n", "short")
    assert summarizer.backend.calls == [[ARTICLE]]
    assert summarizer.backend.options == [SummaryOptions().generation("short")]
    assert result.text == english_lines()[0]
    assert (result.chunks, result.model, result.model_called) == (1, "fake/lead", True)
    assert result.warnings == ()


def test_map_reduce_over_an_article_five_times_the_window() -> None:
    summarizer = fake(max_input_tokens=58, options=SummaryOptions(batch_size=64))
    count = summarizer.backend.count_tokens
    assert count(ARTICLE) >= 5 * 58
    sections = summarizer.chunks(ARTICLE)
    # Every sentence is in exactly one section, in order, each section within the window.
    assert " ".join(sections) == ARTICLE
    assert all(count(s) <= 58 for s in sections) and len(sections) >= 5
    result = summarizer.summarize(ARTICLE)
    first_round, *_, final = summarizer.backend.calls
    assert sorted(first_round) == sorted(sections)  # one batch, sorted by length
    assert len(final) == 1 and count(final[0]) <= 58
    assert result.text == english_lines()[0]
    assert result.chunks == len(sections)
    assert result.warnings == (
        f"The text is longer than the summariser's window of 58 tokens: it was summarised in "
        f"{len(sections)} sections, then the section summaries were summarised together.",
    )


def test_reduce_repeats_while_the_summaries_are_over_the_window() -> None:
    summarizer = fake(max_input_tokens=44, options=SummaryOptions(batch_size=64))
    result = summarizer.summarize(ARTICLE)
    *rounds, final = summarizer.backend.calls
    assert len(rounds) == 3  # sections, then summaries of summaries, then the final pass
    text = ARTICLE
    for call in rounds:  # each round reads the joined summaries of the one before
        sections = summarizer.chunks(text)
        assert sorted(call) == sorted(sections) and len(sections) > 1
        assert all(summarizer.backend.count_tokens(s) <= 44 for s in sections)
        text = " ".join(lead(s) for s in sections)
    assert final == [text]
    assert result.text == english_lines()[0]
    assert len(result.warnings) == 1  # the sections note; no cap was reached


def test_reduce_depth_cap_leaves_nothing_out_and_says_so() -> None:
    summarizer = fake(max_input_tokens=36, options=SummaryOptions(max_rounds=1, batch_size=64))
    result = summarizer.summarize(ARTICLE)
    (call,) = summarizer.backend.calls
    sections = summarizer.chunks(ARTICLE)
    assert sorted(call) == sorted(sections)
    assert result.text == " ".join(lead(s) for s in sections)  # every section summary kept
    assert result.warnings[-1] == (
        f"The {len(summarizer.chunks(result.text))} section summaries were still longer than the "
        "summariser's window after 1 round: the summary is those section summaries joined "
        "(longer than asked; nothing was left out)."
    )


def test_prompt_tokens_count_against_the_window() -> None:
    summarizer = fake(max_input_tokens=40, config={"model_type": "t5"})
    assert summarizer.prompt.family == "t5" and summarizer.prompt_tokens == 1
    sections = summarizer.chunks(ARTICLE)
    assert " ".join(sections) == ARTICLE
    summarizer.summarize(ARTICLE)
    inputs = [text for call in summarizer.backend.calls for text in call]
    assert all(text.startswith("summarize: ") for text in inputs)
    assert all(summarizer.backend.count_tokens(text) <= 40 for text in inputs)
    assert {"summarize: " + s for s in sections} <= set(inputs)


def test_a_summary_cut_by_the_token_limit_is_flagged() -> None:
    summarizer = fake(max_input_tokens=58, options=SummaryOptions(max_new_tokens=3))
    result = summarizer.summarize(ARTICLE)
    assert result.text == "The American ambassador"
    assert result.warnings[1:] == (
        f"{result.chunks} of {result.chunks} section summaries reached the limit of 3 generated "
        "tokens and may be cut short.",
        "The summary reached the limit of 3 generated tokens and may be cut short.",
    )


# --- the real loading and generation code, on the tiny BART ------------------------------------


@pytest.fixture(scope="module")
def tiny_bart(bart_summary: Path) -> Summarizer:
    return Summarizer(
        model=str(bart_summary), backend="torch", options=SummaryOptions(max_new_tokens=8)
    )


def test_tiny_bart_loads_with_its_prompt_and_window(tiny_bart: Summarizer) -> None:
    assert tiny_bart.prompt.family == "bart" and tiny_bart.prompt_tokens == 0
    assert tiny_bart.backend.max_input_tokens == 256
    result = tiny_bart.summarize(" ".join(english_lines()[:4]))
    assert result.model_called and result.chunks == 1 and result.text
    assert result.warnings == (
        "The summary reached the limit of 8 generated tokens and may be cut short.",
    )


def test_tiny_bart_map_reduce_on_five_windows(tiny_bart: Summarizer) -> None:
    count = tiny_bart.backend.count_tokens
    lines = english_lines()
    article = "\n".join(lines[i % len(lines)] for i in range(40))
    assert count(article) >= 5 * 256
    sections = tiny_bart.chunks(article)
    assert len(sections) >= 5
    assert all(count(section) <= 256 for section in sections)
    assert "\n".join(sections) == article  # cut between sentences (here, lines), nothing lost
    result = tiny_bart.summarize(article)
    assert result.chunks == len(sections) and result.model_called and result.text
    assert f"summarised in {len(sections)} sections" in result.warnings[0]


def test_missing_model_is_the_translators_error(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="there is no directory"):
        Summarizer(model=str(tmp_path / "nope"), backend="torch")


def test_summarize_function_keeps_shape(tiny_env: dict[str, str]) -> None:
    text = " ".join(english_lines()[:3])
    one = summarize(text, "short")
    assert isinstance(one, str) and one
    many = summarize([text, "Just one sentence."], "short")
    assert many == [one, "Just one sentence."]
    assert default_summarizer() is default_summarizer()
    assert default_summarizer().model == tiny_env["BILINGUAL_DIGEST_MODEL_SUMMARY"]

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from bilingual_digest import (
    Digest,
    Digester,
    InputError,
    ModelUnavailableError,
    Summarizer,
    SummaryOptions,
    TranslationOptions,
    Translator,
    UnsupportedLanguageError,
    digest,
)
from bilingual_digest.attribution import attribute, content_words
from bilingual_digest.backends import Generated
from bilingual_digest.digest import BilingualSummary
from bilingual_digest.languages import resolve_pair
from bilingual_digest.normalization import normalize_punctuation
from bilingual_digest.options import GenerationOptions, translation_model

from fakes import LeadBackend, TagBackend, UpperBackend
from tiny_models import english_lines

ENGLISH = " ".join(english_lines()[:4])  # four sentences, the first about the ambassador


class FixedBackend(LeadBackend):
    """A "summariser" that always says the same thing."""

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        self.calls.append(list(texts))
        return [Generated(self.summary, 5) for _ in texts]


def fakes(summarizer_backend: LeadBackend | None = None) -> Digester:
    return Digester(
        Translator("fr", "en", backend=TagBackend("en")),
        Translator("en", "fr", backend=TagBackend("fr")),
        Summarizer(backend=summarizer_backend or LeadBackend()),
    )


def backends(digester: Digester) -> tuple[TagBackend, TagBackend, LeadBackend]:
    return (
        digester.translator("fr").backend,
        digester.translator("en").backend,
        digester.summarizer.backend,
    )  # type: ignore[return-value]


def own_warnings(result: Digest | BilingualSummary) -> list[str]:
    """The digest's own notes (translation warnings come from the translator's checks)."""
    return [w for w in result.warnings if not w.startswith(("Article translation", "Summary tr"))]


# --- the flows, with fakes ---------------------------------------------------------------------


def test_french_flow_translate_summarise_translate_back(seed_article: str) -> None:
    digester = fakes()
    fr_en, en_fr, summariser = backends(digester)
    result = digester.digest(seed_article, source="fr")
    assert (result.source_lang, result.target_lang, result.original) == ("fr", "en", seed_article)
    segments = result.translation.segments
    read = [normalize_punctuation(s.source, "fr") for s in segments]  # ’ → ' (Moses)
    assert [s.translation for s in segments] == [f"[en] {s}" for s in read]
    # The summariser read the English translation; its summary went back to French.
    assert summariser.calls == [[result.translation.text]]
    # The fake keeps the text up to the first ". ": here the first two sentences (two lines).
    first, second = segments[0].translation, segments[1].translation
    assert result.summary_en == f"{first} {second}"
    assert en_fr.calls == [[first, second]]  # one batch (longest first)
    assert result.summary_fr == f"[fr] {first} [fr] {second}"
    assert len(fr_en.seen) == len(segments)
    assert result.summary_sentences() == (segments[0].translation, segments[1].translation)
    assert result.attribution == ((0,), (1,))
    assert result.models == {"fr-en": "fake/en", "en-fr": "fake/fr", "summary": "fake/lead"}
    assert list(result.timings) == ["translate", "summarize", "translate_summary", "total"]
    # The fake "English" summary keeps the French "25 avril", which English text doesn't read
    # as a date, so its "25" is a bare number the article (a date) doesn't back.
    assert own_warnings(result) == [
        'Summary: The number "25" in the summary does not appear in the article.'
    ]


def test_english_flow_translates_the_article_and_summarises_it() -> None:
    digester = fakes()
    fr_en, en_fr, summariser = backends(digester)
    result = digester.digest(ENGLISH)  # language detected
    assert (result.source_lang, result.target_lang) == ("en", "fr")
    assert summariser.calls == [[ENGLISH]]
    assert result.summary_en == english_lines()[0]
    sources = [s.source for s in result.translation.segments]
    assert sources == english_lines()[:4]
    # The article and the summary are translated apart (at the same time, with two cores).
    assert sorted(en_fr.calls) == sorted([sources, [result.summary_en]])
    assert fr_en.calls == []
    assert result.summary_fr == f"[fr] {english_lines()[0]}"
    assert result.translation.text == " ".join(f"[fr] {s}" for s in sources)
    assert result.attribution == ((0,),)  # indices of the English source segments
    assert result.models == {"en-fr": "fake/fr", "summary": "fake/lead"}
    assert list(result.timings) == ["summarize", "translate", "translate_summary", "total"]


class _Meeting:
    """A summariser and a translator that each wait to see the other at work."""

    def __init__(self) -> None:
        self.summarising, self.translating = threading.Event(), threading.Event()


def test_an_english_articles_summary_is_made_while_it_is_translated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BILINGUAL_DIGEST_THREADS", "2")
    meeting = _Meeting()

    class Summariser(LeadBackend):
        def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
            meeting.summarising.set()
            assert meeting.translating.wait(10), "the article was not translated meanwhile"
            return super().generate(texts, options)

    class Translating(TagBackend):
        def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
            if not self.calls:  # the article's batch: wait until the summariser is at work
                meeting.translating.set()
                assert meeting.summarising.wait(10), "the summary was not made meanwhile"
            return super().generate(texts, options)

    digester = Digester(
        Translator("fr", "en", backend=TagBackend("en")),
        Translator("en", "fr", backend=Translating("fr")),
        Summarizer(backend=Summariser()),
    )
    concurrent = digester.digest(ENGLISH, source="en")
    sequential = fakes()
    monkeypatch.setenv("BILINGUAL_DIGEST_THREADS", "1")
    alone = sequential.digest(ENGLISH, source="en")
    assert backends(sequential)[1].calls == [[english_lines()[0]], english_lines()[:4]]
    assert without_timings(alone) == without_timings(concurrent)
    assert list(alone.timings) == list(concurrent.timings)


def test_the_digest_stream_shows_the_translation_then_the_summaries(seed_article: str) -> None:
    steps = list(fakes().digest_stream(seed_article, source="fr"))
    final = steps[-1].digest
    assert final is not None and without_timings(final) == without_timings(
        fakes().digest(seed_article, source="fr")
    )
    counts = [len(step.segments) for step in steps]
    assert counts == sorted(counts) and counts[-1] == len(final.translation.segments)
    assert counts[:3] == [0, 1, 2]  # one yield per segment, the first paragraph first
    assert steps[1].translation_text() == final.translation.segments[0].translation
    with_summaries = [step for step in steps if step.summaries]
    assert [step.stage for step in with_summaries] == ["Translating to French", "Done"]
    assert all(len(step.segments) == counts[-1] for step in with_summaries)
    assert steps[-1].translation_text() == final.translation.text
    assert all(s.digest is None for s in steps[:-1]) and steps[-1].fraction == 1.0
    with pytest.raises(InputError, match="The text is empty"):
        fakes().digest_stream("  ")  # refused at the call, not when read


def without_timings(result: Digest) -> dict[str, object]:
    return {k: v for k, v in vars(result).items() if k != "timings"}


def test_progress_is_reported_between_stages(seed_article: str) -> None:
    seen: list[tuple[float, str]] = []
    fakes().digest(seed_article, progress=lambda f, s: seen.append((f, s)))
    assert seen == [
        (0.0, "Translating the article to English"),
        (1 / 3, "Summarising in English"),
        (2 / 3, "Translating to French"),
        (1.0, "Done"),
    ]
    seen.clear()
    fakes().digest(ENGLISH, source="en", progress=lambda f, s: seen.append((f, s)))
    assert [f for f, _ in seen] == [0.0, 0.5, 1.0]


def test_short_text_is_its_own_summary_without_the_summariser() -> None:
    digester = fakes()
    text = "The ambassador met the council in Niamey. Talks on the withdrawal begin."
    result = digester.digest(text, source="en")
    assert backends(digester)[2].calls == []
    assert result.summary_en == text
    assert result.attribution == ((0,), (1,))
    assert "summary" not in result.models
    assert own_warnings(result) == [
        "Summary: The text is too short to summarise (2 sentences): the summary is the text itself."
    ]


def test_unsupported_summary_sentence_is_flagged() -> None:
    digester = fakes(FixedBackend("The ambassador met the council. Aliens landed on the moon."))
    result = digester.digest(ENGLISH, source="en")
    assert result.attribution == ((0,), ())
    assert own_warnings(result) == [
        'Summary sentence 2 ("Aliens landed on the moon.") matches nothing in the article: it may '
        "not be supported by the source (a possible hallucination)."
    ]


def test_digest_many_batches_translation_across_documents(seed_article: str) -> None:
    digester = fakes()
    fr_en, en_fr, summariser = backends(digester)
    short_fr = "Les deux parties vont entamer des discussions. Le retrait sera ordonné et sûr."
    results = digester.digest_many([short_fr, ENGLISH, short_fr + " Le regard est tourné."])
    assert [r.source_lang for r in results] == ["fr", "en", "fr"]
    assert len(fr_en.calls) == 1  # every French sentence, one batch
    assert len(en_fr.calls) == 1  # the English article and every summary, one batch
    summary_sentences = [s for r in results for s in r.summary_sentences()]
    assert sorted(en_fr.seen) == sorted(
        [s.source for s in results[1].translation.segments] + summary_sentences
    )
    assert [len(call) for call in summariser.calls] == [1, 1]  # the first text is too short
    assert results[0].summary_en == results[0].translation.text
    for r in results:
        assert r.summary_fr == " ".join(f"[fr] {s}" for s in r.summary_sentences())
    alone = digester.digest(ENGLISH, source="en")
    assert (alone.translation, alone.summary_fr, alone.attribution) == (
        results[1].translation,
        results[1].summary_fr,
        results[1].attribution,
    )


def test_summarize_an_english_article_translates_only_the_summary() -> None:
    digester = fakes()
    fr_en, en_fr, summariser = backends(digester)
    seen: list[tuple[float, str]] = []
    result = digester.summarize(ENGLISH, length="short", progress=lambda f, s: seen.append((f, s)))
    assert summariser.calls == [[ENGLISH]]
    assert en_fr.calls == [[english_lines()[0]]]  # the summary; never the article's sentences
    assert fr_en.calls == []
    assert (result.source_lang, result.target_lang, result.original) == ("en", "fr", ENGLISH)
    assert result.summaries == {"en": english_lines()[0], "fr": f"[fr] {english_lines()[0]}"}
    assert (result.summary_en, result.summary_fr) == (english_lines()[0], result.summaries["fr"])
    assert result.models == {"en-fr": "fake/fr", "summary": "fake/lead"}
    assert list(result.timings) == ["summarize", "translate_summary", "total"]
    assert seen == [(0.0, "Summarising in English"), (0.5, "Translating to French"), (1.0, "Done")]
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data and data["summary_fr"] == result.summary_fr


def test_summarize_gives_the_digests_summaries_and_warnings(seed_article: str) -> None:
    for text in (seed_article, ENGLISH):
        whole, summary = fakes().digest(text), fakes().summarize(text)
        assert summary.summaries == whole.summaries
        # The same notes, less those on the translation of an English article (not made).
        untranslated = summary.source_lang == "en"
        assert summary.warnings == tuple(
            w for w in whole.warnings if not (untranslated and w.startswith("Article translation"))
        )
        assert summary.summary_sentences() == whole.summary_sentences()
    digester = fakes(FixedBackend("The ambassador met the council. Aliens landed on the moon."))
    assert own_warnings(digester.summarize(ENGLISH, source="en")) == [
        'Summary sentence 2 ("Aliens landed on the moon.") matches nothing in the article: it may '
        "not be supported by the source (a possible hallucination)."
    ]


def test_to_dict_is_json_with_segments(seed_article: str) -> None:
    result = fakes().digest(seed_article)
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["summary_sentences"] == list(result.summary_sentences())
    assert data["attribution"] == [[0], [1]]
    first = data["translation"]["segments"][0]
    assert first["source"] == result.translation.segments[0].source
    assert (first["start"], first["index"], first["paragraph"]) == (0, 0, 0)


# --- bad input ---------------------------------------------------------------------------------


def test_bad_input_is_refused_before_any_model_work(monkeypatch: pytest.MonkeyPatch) -> None:
    digester = fakes()
    with pytest.raises(InputError, match="The text is empty"):
        digester.digest("   ")
    with pytest.raises(ValueError, match="accepted values are 'short', 'medium', 'long'"):
        digester.digest(ENGLISH, length="tiny")
    with pytest.raises(UnsupportedLanguageError, match="accepted values are 'fr'"):
        digester.digest(ENGLISH, source="de")
    with pytest.raises(TypeError, match="use digest\\(\\) for one str"):
        digester.digest_many(ENGLISH)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="text at index 1 is empty"):
        digester.digest_many([ENGLISH, ""])
    monkeypatch.setenv("BILINGUAL_DIGEST_MAX_CHARS", "50")
    with pytest.raises(InputError, match="over the limit of 50"):
        digester.digest(ENGLISH)
    assert all(backend.calls == [] for backend in backends(digester))


def test_warm_up_reports_instead_of_raising(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILINGUAL_DIGEST_MODEL_SUMMARY", str(tmp_path / "nope"))
    monkeypatch.setenv("BILINGUAL_DIGEST_BACKEND", "torch")
    digester = Digester(
        Translator("fr", "en", backend=UpperBackend()),
        Translator("en", "fr", backend=UpperBackend()),
    )
    status = digester.warm_up()
    assert status["fr-en"] == status["en-fr"] == "ready"
    assert status["summary"].startswith(f"Cannot load model '{tmp_path / 'nope'}'")
    with pytest.raises(ModelUnavailableError, match="there is no directory"):
        digester.digest(ENGLISH, source="en")


# --- attribution -------------------------------------------------------------------------------


def test_content_words_drop_stop_words_and_plurals() -> None:
    assert content_words("The talks and the Talk, on 3.5 percent of 12 forces.") == {
        "talk",
        "3.5",
        "percent",
        "12",
        "force",
    }


def test_attribution_picks_the_sources_each_sentence_draws_on() -> None:
    sources = [
        "The ambassador will meet the council in Niamey today.",
        "Prices rose by 3.5 percent in March.",
        "The council wants a strong relationship with the United States.",
        "Heavy rain caused floods in the north.",
    ]
    summary = [
        "Prices rose 3.5 percent as floods hit the north.",  # two sources
        "The ambassador meets the council.",  # one
        "Nothing here matches.",  # none
        "It is.",  # no content words: nothing to tie
    ]
    assert attribute(summary, sources) == ((1, 3), (0,), (), ())
    assert attribute(summary, []) == ((), (), (), ())


# --- the real models (tiny) end to end ---------------------------------------------------------

GREEDY = TranslationOptions(num_beams=1, max_new_tokens=16, batch_size=32)


@pytest.fixture(scope="module")
def tiny_digester(marian_fr_en: Path, marian_en_fr: Path, bart_summary: Path) -> Digester:
    return Digester(
        Translator("fr", "en", model=str(marian_fr_en), backend="torch", options=GREEDY),
        Translator("en", "fr", model=str(marian_en_fr), backend="torch", options=GREEDY),
        Summarizer(str(bart_summary), backend="torch", options=SummaryOptions(max_new_tokens=8)),
    )


def test_tiny_models_digest_the_seed_article(
    tiny_digester: Digester, seed_article: str, marian_fr_en: Path, bart_summary: Path
) -> None:
    assert tiny_digester.warm_up() == {"fr-en": "ready", "en-fr": "ready", "summary": "ready"}
    result = tiny_digester.digest(seed_article, source="fr", length="short")
    segments = result.translation.segments
    assert len(segments) == 19 and result.translation.model == str(marian_fr_en)
    assert result.summary_en and result.summary_fr
    assert result.models["summary"] == str(bart_summary)
    assert len(result.attribution) == len(result.summary_sentences()) >= 1
    for support in result.attribution:
        assert list(support) == sorted(set(support))
        assert all(0 <= i < len(segments) for i in support)
    assert json.loads(json.dumps(result.to_dict()))["summary_fr"] == result.summary_fr


def test_tiny_models_short_english_text(tiny_digester: Digester) -> None:
    text = "The ambassador met the council. Talks will begin."
    result = tiny_digester.digest(text, source="en")
    assert result.summary_en == text and "summary" not in result.models
    assert result.summary_fr and result.translation.text
    assert result.attribution == ((0,), (1,))


def test_digest_function_uses_the_configured_models(
    tiny_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = sys.modules["bilingual_digest.digest"]  # the name `digest` is the function

    def greedy_default(source: str, target: str | None = None) -> Translator:  # beam 4 is slow
        src, tgt = resolve_pair(source, target)
        return Translator(src, tgt, model=translation_model(src, tgt), options=GREEDY)

    monkeypatch.setattr(module, "default_translator", greedy_default)
    module._cached_digester.cache_clear()
    try:
        text = " ".join(english_lines()[:3])
        result = digest(text, length="short")
        assert module.default_digester() is module.default_digester()
    finally:
        module._cached_digester.cache_clear()
    assert result.source_lang == "en"
    assert result.models == {
        "en-fr": tiny_env["BILINGUAL_DIGEST_MODEL_EN_FR"],
        "summary": tiny_env["BILINGUAL_DIGEST_MODEL_SUMMARY"],
    }
    assert len(result.attribution) == len(result.summary_sentences())

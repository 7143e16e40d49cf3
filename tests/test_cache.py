"""The LRU cache of generated outputs: repeats cost nothing, keys include options, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual_digest import TranslationOptions, Translator
from bilingual_digest.backends import Backend, Generated
from bilingual_digest.backends.cache import CachedBackend
from bilingual_digest.options import GenerationOptions

from fakes import UpperBackend

GREEDY = GenerationOptions(num_beams=1)
BEAM = GenerationOptions(num_beams=4)


def cached(maxsize: int = 100) -> tuple[CachedBackend, UpperBackend]:
    inner = UpperBackend()
    return CachedBackend(inner, maxsize), inner


def test_repeated_texts_do_not_reach_the_inner_backend() -> None:
    backend, inner = cached()
    assert backend.generate(["un", "deux"], GREEDY) == [Generated("UN", 2), Generated("DEUX", 2)]
    assert backend.generate(["deux", "trois", "un"], GREEDY) == [
        Generated("DEUX", 2),
        Generated("TROIS", 2),
        Generated("UN", 2),
    ]
    assert inner.calls == [["un", "deux"], ["trois"]]
    assert (backend.hits, backend.misses) == (2, 3)
    backend.generate(["deux"], GREEDY)
    assert inner.calls == [["un", "deux"], ["trois"]]


def test_duplicates_in_one_call_are_generated_once() -> None:
    backend, inner = cached()
    out = backend.generate(["a b", "c", "a b"], GREEDY)
    assert [g.text for g in out] == ["A B", "C", "A B"]
    assert inner.calls == [["a b", "c"]]


def test_key_includes_the_options_and_the_model() -> None:
    backend, inner = cached()
    backend.generate(["un"], GREEDY)
    backend.generate(["un"], BEAM)
    backend.generate(["un"], GenerationOptions(num_beams=1))  # equal options: a hit
    assert inner.calls == [["un"], ["un"]]
    inner.model_id = "fake/other"
    backend.generate(["un"], GREEDY)
    assert inner.calls == [["un"], ["un"], ["un"]]


def test_bounded_least_recently_used_goes_first() -> None:
    backend, inner = cached(maxsize=2)
    backend.generate(["a", "b"], GREEDY)
    backend.generate(["a"], GREEDY)  # a is now the most recent
    backend.generate(["c"], GREEDY)  # evicts b
    assert len(backend) == 2
    backend.generate(["a", "c"], GREEDY)
    assert inner.calls == [["a", "b"], ["c"]]
    backend.generate(["b"], GREEDY)
    assert inner.calls == [["a", "b"], ["c"], ["b"]]
    backend.clear()
    assert len(backend) == 0


def test_it_is_a_backend_and_passes_the_rest_through() -> None:
    backend, inner = cached()
    assert isinstance(backend, Backend)
    assert backend.model_id == "fake/upper" and backend.max_input_tokens == 512
    assert backend.count_tokens("trois mots ici") == 4
    assert backend.calls is inner.calls  # anything else is the inner backend's
    with pytest.raises(AttributeError):
        _ = backend.no_such_attribute


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_maxsize_must_be_a_positive_integer(bad) -> None:
    with pytest.raises(ValueError, match=r"maxsize must be a positive integer"):
        CachedBackend(UpperBackend(), bad)


def test_a_short_answer_from_the_inner_backend_is_an_error() -> None:
    class Short(UpperBackend):
        def generate(self, texts, options):
            return super().generate(texts, options)[:-1]

    with pytest.raises(RuntimeError, match=r"returned 1 outputs for 2 inputs"):
        CachedBackend(Short()).generate(["a", "b"], GREEDY)


def test_a_repeated_article_costs_nothing(seed_article: str) -> None:
    inner = UpperBackend()
    translator = Translator("fr", backend=CachedBackend(inner))
    first = translator.translate(seed_article)
    sent = len(inner.seen)
    assert translator.translate(seed_article) == first
    assert len(inner.seen) == sent


def test_translators_loaded_by_name_are_cached(marian_fr_en: Path, seed_article: str) -> None:
    translator = Translator(
        "fr",
        model=str(marian_fr_en),
        backend="torch",
        options=TranslationOptions(1, 16, 8, retry_degenerate=False),
    )
    assert isinstance(translator.backend, CachedBackend)
    first = translator.translate(seed_article)
    misses = translator.backend.misses
    assert misses == len(first.segments)
    assert translator.translate(seed_article) == first
    assert translator.backend.misses == misses
    assert translator.backend.hits == misses

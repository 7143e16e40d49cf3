"""Translator.translate_iter: every segment once, in order, as translate() gives it, as ready."""

from __future__ import annotations

import doctest
import math
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from bilingual_digest import InputError, TranslationOptions, Translator, batching, parallel
from bilingual_digest.backends import Generated
from bilingual_digest.batching import stream_plan, throughput_plan
from bilingual_digest.options import GenerationOptions
from bilingual_digest.parallel import ordered_map

from fakes import UpperBackend

GREEDY = TranslationOptions(num_beams=1, max_new_tokens=12, batch_size=4)
ARTICLE = (
    "Le gouvernement a présenté mardi un projet de loi. Les députés l’examineront.\n"
    "Le ministre a défendu « une réforme nécessaire ». La presse était là.\n\n"
    "Le texte prévoit 12 milliards d’euros. Il sera voté en 2025. Paris applaudit.\n"
    "Fin."
)


class GatedBackend(UpperBackend):
    """Upper-cases; every call after the first waits until ``gate`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        if self.calls:
            assert self.gate.wait(10), "the gate was never opened"
        return super().generate(texts, options)


class PairedBackend(UpperBackend):
    """Declares two workers; a call returns only once another call is in flight with it."""

    parallelism = 2

    def __init__(self) -> None:
        super().__init__()
        self.barrier = threading.Barrier(2, timeout=10)

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        if len(self.calls) < 2:
            self.calls.append(list(texts))
            self.barrier.wait()  # raises BrokenBarrierError if the other batch never comes
            return [Generated(t.upper(), self.count_tokens(t)) for t in texts]
        return super().generate(texts, options)


def test_streamed_segments_are_translate_segments_each_once_in_order(seed_article: str) -> None:
    streamed = list(Translator("fr", backend=UpperBackend()).translate_iter(seed_article))
    whole = Translator("fr", backend=UpperBackend()).translate(seed_article)
    assert tuple(streamed) == whole.segments  # same index, spans, text, findings, flags
    assert [s.index for s in streamed] == list(range(17))
    assert [s.translation for s in streamed] == [s.source.upper() for s in streamed]


def test_the_exhausted_stream_holds_the_whole_translation() -> None:
    translator = Translator("fr", backend=UpperBackend(), options=GREEDY)
    stream = translator.translate_iter("<p>Un.</p> Le 12 mai.\nDeux.")
    assert stream.translation is None
    segments = list(stream)
    expected = Translator("fr", backend=UpperBackend(), options=GREEDY).translate(
        "<p>Un.</p> Le 12 mai.\nDeux."
    )
    assert stream.translation == expected  # text, segments, warnings (the markup note too)
    assert tuple(segments) == expected.segments
    assert expected.warnings and expected.text == "UN.\nLE 12 MAI.\nDEUX."


def test_the_first_paragraph_comes_before_the_rest_is_generated() -> None:
    backend = GatedBackend()
    segments = Translator("fr", backend=backend, options=GREEDY).translate_iter(ARTICLE)
    first, second = next(segments), next(segments)  # only the first batch has run
    assert (first.source, second.source) == (
        "Le gouvernement a présenté mardi un projet de loi.",
        "Les députés l’examineront.",
    )
    assert backend.calls == [[first.source, second.source]]
    backend.gate.set()
    rest = list(segments)
    assert [s.index for s in rest] == list(range(2, 8))
    assert backend.calls == [
        [first.source, second.source],
        [
            "Le ministre a défendu « une réforme nécessaire ».",
            "La presse était là.",
            "Le texte prévoit 12 milliards d’euros.",
        ],
        ["Il sera voté en 2025.", "Paris applaudit.", "Fin."],
    ]


def test_two_batches_are_in_flight_at_once_and_order_is_kept() -> None:
    backend = PairedBackend()
    translator = Translator("fr", backend=backend, options=GREEDY)
    streamed = list(translator.translate_iter(ARTICLE))  # deadlocks unless 2 run together
    assert [s.index for s in streamed] == list(range(8))
    assert [s.translation for s in streamed] == [s.source.upper() for s in streamed]


def test_closing_the_stream_early_drops_the_batches_not_started() -> None:
    backend = UpperBackend()
    segments = Translator("fr", backend=backend, options=GREEDY).translate_iter(ARTICLE)
    assert next(segments).index == 0
    segments.close()
    assert len(backend.calls) < 4  # the last batches were never generated


def test_bad_text_is_refused_when_called_not_when_read() -> None:
    translator = Translator("fr", backend=UpperBackend())
    with pytest.raises(InputError, match="The text is empty"):
        translator.translate_iter("  \n ")
    with pytest.raises(TypeError):
        translator.translate_iter(b"octets")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="TranslationOptions"):
        translator.translate_iter("Bonjour.", options={"num_beams": 1})  # type: ignore[arg-type]


def test_a_backend_error_comes_out_of_the_stream() -> None:
    class Broken(UpperBackend):
        def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
            if len(self.calls) == 1:
                raise RuntimeError("out of memory")
            return super().generate(texts, options)

    segments = Translator("fr", backend=Broken(), options=GREEDY).translate_iter(ARTICLE)
    assert next(segments).index == 0
    with pytest.raises(RuntimeError, match="out of memory"):
        list(segments)


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_real_model_streams_the_same_segments(
    backend: str, marian_fr_en: Path, seed_article: str
) -> None:
    """Two translators (two caches): the streamed text is generated, not read from a cache."""
    model = str(marian_fr_en)
    streaming = Translator("fr", model=model, backend=backend, options=GREEDY)
    whole = Translator("fr", model=model, backend=backend, options=GREEDY)
    streamed = tuple(streaming.translate_iter(seed_article))
    assert streaming.backend.misses >= len(streamed) and streaming.backend.hits == 0
    assert streamed == whole.translate(seed_article).segments
    assert [s.index for s in streamed] == list(range(len(streamed)))
    assert len(streamed) >= 17  # the tiny model's window cuts the longest sentences


def test_per_call_options_decode_greedily_when_fast() -> None:
    class Recording(UpperBackend):
        def __init__(self) -> None:
            super().__init__()
            self.beams: list[int | None] = []

        def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
            self.beams.append(options.num_beams)
            return super().generate(texts, options)

    backend = Recording()
    translator = Translator("fr", backend=backend)
    translator.translate("Un. Deux.")
    translator.translate("Un. Deux.", options=translator.options.at_speed("fast"))
    list(translator.translate_iter("Trois.", options=translator.options.at_speed("fast")))
    assert backend.beams == [4, 1, 1]
    with pytest.raises(InputError, match="accepted values are 'default', 'fast'"):
        translator.options.at_speed("turbo")


# --- the plans and the ordered map ----------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_stream_plan_opens_with_half_a_batch_then_balanced_batches(workers: int) -> None:
    paragraphs = [p for p in range(40) for _ in range(p % 3 + 1)]  # 80 sentences
    plan = stream_plan(paragraphs, 16, workers)
    assert [i for batch in plan for i in batch] == list(range(len(paragraphs)))
    # As many batches as the throughput plan makes (one more if the half batch takes it),
    # the first about half as big as a batch, ending a paragraph.
    batches = len(throughput_plan([1] * 80, 16, workers))
    assert len(plan) in (batches, batches + 1)
    first, rest = plan[0], [len(batch) for batch in plan[1:]]
    assert len(first) <= math.ceil(math.ceil(80 / batches) / 2)
    assert paragraphs[first[-1]] != paragraphs[first[-1] + 1]
    assert max(rest) <= 16 and max(rest) - min(rest) <= 1 and len(first) < min(rest)
    # One long paragraph: half a batch of it; a text within one batch on one worker: whole.
    assert [len(b) for b in stream_plan([0] * 17, 16, 2)] == [5, 12]
    assert stream_plan([0, 0, 1], 16, 1) == [[0, 1, 2]]
    assert stream_plan([0, 0, 1], 16, 2) == [[0], [1, 2]]
    assert stream_plan([], 16, 2) == []


@pytest.mark.parametrize(("count", "batch_size", "workers"), [(17, 16, 2), (160, 16, 2), (5, 2, 4)])
def test_throughput_plan_is_balanced_longest_first_and_every_worker_busy(
    count: int, batch_size: int, workers: int
) -> None:
    tokens = [(i * 37) % 50 + 1 for i in range(count)]
    plan = throughput_plan(tokens, batch_size, workers)
    assert sorted(i for batch in plan for i in batch) == list(range(count))
    sizes = [len(batch) for batch in plan]
    assert max(sizes) <= batch_size and max(sizes) - min(sizes) <= 1
    assert len(plan) % workers == 0 or len(plan) == count
    flat = [tokens[i] for batch in plan for i in batch]
    assert flat == sorted(flat, reverse=True)
    assert throughput_plan([], 16, 2) == []


def test_ordered_map_keeps_order_runs_in_parallel_and_rejects_bad_workers() -> None:
    barrier = threading.Barrier(3, timeout=10)

    def slow_square(x: int) -> int:
        if x < 3:
            barrier.wait()  # the first three run at the same time, or this breaks
        return x * x

    assert list(ordered_map(slow_square, range(8), workers=3)) == [x * x for x in range(8)]
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        ordered_map(abs, [1], workers=0)


@pytest.mark.parametrize("module", [batching, parallel])
def test_the_examples_in_the_docstrings_hold(module: object) -> None:
    failed, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failed == 0

"""The cache of generated outputs: one wrapper, two stores (memory LRU, SQLite file).

The wrapper's behaviour (repeats cost nothing, keys include model and options, one call for
the misses, a short answer is an error, exact counters) is checked with both stores.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bilingual_digest import TranslationOptions, Translator
from bilingual_digest.backends import Backend, Generated
from bilingual_digest.backends.cache import (
    CachedBackend,
    CacheKey,
    CacheStore,
    MemoryStore,
    SQLiteStore,
)
from bilingual_digest.options import GenerationOptions

from fakes import UpperBackend

GREEDY = GenerationOptions(num_beams=1)
BEAM = GenerationOptions(num_beams=4)
TESTS = Path(__file__).resolve().parent


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request, tmp_path: Path) -> Callable[[], CacheStore]:
    """A factory of stores of one kind; SQLite ones all open the same file."""
    if request.param == "memory":
        return lambda: MemoryStore(100)
    return lambda: SQLiteStore(tmp_path / "cache" / "sentences.db")


def cached(store: CacheStore) -> tuple[CachedBackend, UpperBackend]:
    inner = UpperBackend()
    return CachedBackend(inner, store), inner


def test_repeated_texts_do_not_reach_the_inner_backend(make_store) -> None:
    backend, inner = cached(make_store())
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
    assert len(backend) == 3


def test_duplicates_in_one_call_are_generated_once(make_store) -> None:
    backend, inner = cached(make_store())
    out = backend.generate(["a b", "c", "a b"], GREEDY)
    assert [g.text for g in out] == ["A B", "C", "A B"]
    assert inner.calls == [["a b", "c"]]
    assert (backend.hits, backend.misses) == (1, 2)  # hits + misses = texts asked for


def test_outputs_keep_their_order_and_flags(make_store) -> None:
    class Flagged(UpperBackend):
        def generate(self, texts, options):
            self.calls.append(list(texts))
            return [Generated(t.upper(), len(t), hit_limit=t.startswith("long")) for t in texts]

    backend = CachedBackend(Flagged(), make_store())
    backend.generate(["long b", "c"], GREEDY)
    out = backend.generate(["a", "long b", "a", "c"], GREEDY)
    assert [(o.text, o.num_tokens, o.hit_limit) for o in out] == [
        ("A", 1, False),
        ("LONG B", 6, True),
        ("A", 1, False),
        ("C", 1, False),
    ]
    assert backend.inner.calls == [["long b", "c"], ["a"]]


def test_key_includes_the_options_and_the_model(make_store) -> None:
    backend, inner = cached(make_store())
    backend.generate(["un"], GREEDY)
    backend.generate(["un"], BEAM)
    backend.generate(["un"], GenerationOptions(num_beams=1))  # equal options: a hit
    same = TranslationOptions(num_beams=1, max_new_tokens=8).generation()
    backend.generate(["un"], GenerationOptions(num_beams=1, max_new_tokens=8))
    backend.generate(["un"], same)  # the same settings however they were made: a hit
    assert inner.calls == [["un"], ["un"], ["un"]]
    inner.model_id = "fake/other"
    backend.generate(["un"], GREEDY)
    assert inner.calls == [["un"], ["un"], ["un"], ["un"]]


def test_a_short_answer_from_the_inner_backend_is_an_error(make_store) -> None:
    class Short(UpperBackend):
        def generate(self, texts, options):
            return super().generate(texts, options)[:-1]

    backend = CachedBackend(Short(), make_store())
    with pytest.raises(RuntimeError, match=r"returned 1 outputs for 2 inputs"):
        backend.generate(["a", "b"], GREEDY)
    assert len(backend) == 0  # nothing half-stored


def test_clear_forgets_everything(make_store) -> None:
    backend, inner = cached(make_store())
    backend.generate(["a", "b"], GREEDY)
    backend.clear()
    assert len(backend) == 0
    backend.generate(["a"], GREEDY)
    assert inner.calls == [["a", "b"], ["a"]]


def test_counters_are_exact_under_concurrent_calls(make_store) -> None:
    backend, inner = cached(make_store())
    words = [f"w{i}" for i in range(40)]

    def work(seed: int) -> None:
        for round_ in range(25):
            backend.generate(words[(seed + round_) % 30 :][:10], GREEDY)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert backend.hits + backend.misses == 8 * 25 * 10
    assert backend.misses == len(inner.seen)  # every miss was generated, and counted once
    assert len(backend) == len(set(inner.seen))


def test_it_is_a_backend_and_passes_the_rest_through() -> None:
    backend, inner = cached(MemoryStore(100))
    assert isinstance(backend, Backend)
    assert backend.model_id == "fake/upper" and backend.max_input_tokens == 512
    assert backend.count_tokens("trois mots ici") == 4
    assert backend.calls is inner.calls  # anything else is the inner backend's
    with pytest.raises(AttributeError):
        _ = backend.no_such_attribute


# --- the memory store: the default, bounded -------------------------------------------------


def test_default_store_is_a_bounded_memory_store() -> None:
    backend = CachedBackend(UpperBackend())
    assert isinstance(backend.store, MemoryStore) and backend.maxsize == 10_000
    assert CachedBackend(UpperBackend(), maxsize=5).maxsize == 5


def test_bounded_least_recently_used_goes_first() -> None:
    inner = UpperBackend()
    backend = CachedBackend(inner, maxsize=2)
    backend.generate(["a", "b"], GREEDY)
    backend.generate(["a"], GREEDY)  # a is now the most recent
    backend.generate(["c"], GREEDY)  # evicts b
    assert len(backend) == 2
    backend.generate(["a", "c"], GREEDY)
    assert inner.calls == [["a", "b"], ["c"]]
    backend.generate(["b"], GREEDY)
    assert inner.calls == [["a", "b"], ["c"], ["b"]]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_maxsize_must_be_a_positive_integer(bad) -> None:
    with pytest.raises(ValueError, match=r"maxsize must be a positive integer"):
        CachedBackend(UpperBackend(), maxsize=bad)


def test_a_store_and_a_maxsize_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"maxsize is for the default memory store"):
        CachedBackend(UpperBackend(), MemoryStore(3), maxsize=5)
    with pytest.raises(TypeError, match=r"store must be a CacheStore, got 100"):
        CachedBackend(UpperBackend(), 100)  # type: ignore[arg-type]


# --- the SQLite store: a file that outlives the process, shared by processes -----------------


def test_sqlite_outputs_outlive_the_object(tmp_path: Path) -> None:
    db = tmp_path / "sentences.db"
    first, _ = cached(SQLiteStore(db))
    first.generate(["un", "deux"], GREEDY)
    first.close()
    second, inner = cached(SQLiteStore(db))
    assert second.generate(["deux", "un"], GREEDY) == [Generated("DEUX", 2), Generated("UN", 2)]
    assert inner.calls == [] and (second.hits, second.misses) == (2, 0)


def test_sqlite_store_finds_more_keys_than_one_statement_takes(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    keys = [CacheKey("m", "{}", f"t{i}") for i in range(1203)]
    store.put_many({key: Generated(key.text, 1) for key in keys})
    other = [CacheKey("m", '{"num_beams": 4}', "t1"), CacheKey("n", "{}", "t2")]
    found = store.get_many([*keys, *other])
    assert found == {key: Generated(key.text, 1) for key in keys}
    assert len(store) == 1203


_WRITER = """
import sys
from fakes import UpperBackend
from bilingual_digest.backends.cache import CachedBackend, SQLiteStore
from bilingual_digest.options import GenerationOptions
backend = CachedBackend(UpperBackend(), SQLiteStore(sys.argv[1]))
for start in range(0, 300, 10):
    backend.generate([f"{sys.argv[2]}{i}" for i in range(start, start + 10)] + ["shared"],
                     GenerationOptions(num_beams=1))
print(backend.misses)
"""


def test_several_processes_share_one_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), *sys.path])}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db), prefix],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("a", "b")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert int(out) in (300, 301)  # its own sentences, and "shared" unless the other won
    reader, inner = cached(SQLiteStore(db))
    texts = [f"{p}{i}" for p in "ab" for i in range(300)] + ["shared"]
    assert [o.text for o in reader.generate(texts, GREEDY)] == [t.upper() for t in texts]
    assert inner.calls == [] and len(reader) == 601


def test_an_unusable_sqlite_file_is_refused_with_the_remedy(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not sqlite " * 100, encoding="utf-8")
    with pytest.raises(ValueError, match=r"The sentence cache .*notes.txt' can't be used .*"):
        SQLiteStore(bad)
    with pytest.raises(ValueError, match=r"can't be used \(.*\); run it again\.$"):
        SQLiteStore(bad, remedy="run it again")


# --- through the translator ------------------------------------------------------------------


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
